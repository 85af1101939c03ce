// Payloads as a person reads them (JSON, hex dump) and as a person types them (hex, base64).
#include "PayloadFormat.h"

#include <QTest>

class TestPayloadFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void prettyJsonKeepsKeyOrderAndNumbers();
    void prettyJsonLeavesStringsAlone();
    void jsonErrorsSayWhere();
    void hexDumpShowsOffsetHexAndAscii();
    void parseHex_data();
    void parseHex();
    void parseBase64();
};

void TestPayloadFormat::prettyJsonKeepsKeyOrderAndNumbers()
{
    const QString pretty
        = PayloadFormat::prettyJson(QStringLiteral("{\"seq\":1,\"price\":1.50,\"a\":[],\"b\":{}}"));
    QCOMPARE(pretty,
        QStringLiteral("{\n  \"seq\": 1,\n  \"price\": 1.50,\n  \"a\": [],\n  \"b\": {}\n}"));
    QCOMPARE(PayloadFormat::compactJson(pretty),
        QStringLiteral("{\"seq\":1,\"price\":1.50,\"a\":[],\"b\":{}}"));
}

void TestPayloadFormat::prettyJsonLeavesStringsAlone()
{
    const QString pretty
        = PayloadFormat::prettyJson(QStringLiteral("[\"a, {b}: [c]\", \"q\\\"uote\"]"));
    QCOMPARE(pretty, QStringLiteral("[\n  \"a, {b}: [c]\",\n  \"q\\\"uote\"\n]"));
}

void TestPayloadFormat::jsonErrorsSayWhere()
{
    QString error;
    QVERIFY(PayloadFormat::prettyJson(QStringLiteral("{\n  \"a\" 1\n}"), &error).isEmpty());
    QVERIFY2(error.startsWith(QLatin1String("line 2, column")), qPrintable(error));
    QVERIFY(PayloadFormat::looksLikeJson(QStringLiteral("  {\"x\":1}")));
    QVERIFY(!PayloadFormat::looksLikeJson(QStringLiteral("hello {")));
}

void TestPayloadFormat::hexDumpShowsOffsetHexAndAscii()
{
    const QString dump = PayloadFormat::hexDump(QByteArray("Hello, world!\n\x00\x01\x02", 17));
    QCOMPARE(dump,
        QStringLiteral(
            "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|\n"
            "00000010  02                                                |.|\n"));
}

void TestPayloadFormat::parseHex_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    QTest::newRow("spaced") << "de ad be ef" << QByteArray::fromHex("deadbeef") << "";
    QTest::newRow("packed") << "DEADbeef" << QByteArray::fromHex("deadbeef") << "";
    QTest::newRow("0x and commas") << "0x01, 0x02,0xff" << QByteArray::fromHex("0102ff") << "";
    QTest::newRow("colons") << "aa:bb" << QByteArray::fromHex("aabb") << "";
    QTest::newRow("odd") << "abc" << QByteArray() << "odd number";
    QTest::newRow("not hex") << "12 3g" << QByteArray() << "'g' at position 5";
}

void TestPayloadFormat::parseHex()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    QString actualError;
    QCOMPARE(PayloadFormat::parseHex(text, &actualError), bytes);
    QVERIFY2(error.isEmpty() ? actualError.isEmpty() : actualError.contains(error),
        qPrintable(actualError));
}

void TestPayloadFormat::parseBase64()
{
    QString error;
    QCOMPARE(PayloadFormat::parseBase64(QStringLiteral("3q2+\n7w=="), &error),
        QByteArray::fromHex("deadbeef"));
    QCOMPARE(PayloadFormat::parseBase64(QStringLiteral("3q2-7w"), &error),
        QByteArray::fromHex("deadbeef"));
    QVERIFY(error.isEmpty());
    PayloadFormat::parseBase64(QStringLiteral("not*base64"), &error);
    QVERIFY(error.contains(QLatin1String("not valid base64")));
}

QTEST_GUILESS_MAIN(TestPayloadFormat)
#include "tst_payloadformat.moc"
