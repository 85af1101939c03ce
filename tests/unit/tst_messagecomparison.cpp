// Whether a live message is the recorded one, as `sockscope test` decides it: JSON by structure
// (key order ignored, numbers by value) with the differing paths and both values, JSON Pointer
// patterns with wildcards to ignore what changes on every run, text exactly, binary by bytes.
#include "MessageComparison.h"

#include <QTest>

using Message = MessageComparison::Message;

namespace {

Message text(const char *utf8)
{
    return {false, QByteArray(utf8)};
}

QList<JsonPointerPattern> patterns(const QStringList &texts)
{
    QList<JsonPointerPattern> list;
    for (const QString &t : texts) {
        JsonPointerPattern p;
        QString error;
        if (!JsonPointerPattern::parse(t, &p, &error))
            qFatal("%s", qPrintable(error));
        list.append(p);
    }
    return list;
}

// "path: recorded | live" per difference, for compact expectations.
QStringList flattened(const QList<MessageComparison::Difference> &differences)
{
    QStringList out;
    for (const auto &d : differences)
        out.append(QStringLiteral("%1: %2 | %3").arg(d.path, d.recorded, d.live));
    return out;
}

} // namespace

class TestMessageComparison : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void compare_data();
    void compare();
    void pointerPatterns_data();
    void pointerPatterns();
    void badPointersSayWhatIsWrong();
    void pointerFileReportsLines();
    void differencesAreBounded();
};

void TestMessageComparison::compare_data()
{
    QTest::addColumn<QByteArray>("recorded");
    QTest::addColumn<QByteArray>("live");
    QTest::addColumn<QStringList>("ignore");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("same JSON, keys in another order, other spacing")
        << QByteArray(R"({"a":1,"b":{"c":[1,2],"d":"x"}})")
        << QByteArray(R"({ "b": {"d":"x","c":[1, 2]}, "a": 1 })") << QStringList() << QStringList();
    QTest::newRow("decimals as written") << QByteArray(R"({"p":0.1})") << QByteArray(R"({"p":0.2})")
                                         << QStringList() << QStringList {"/p: 0.1 | 0.2"};
    QTest::newRow("numbers by value")
        << QByteArray(R"({"n":1,"f":1.5,"e":100})") << QByteArray(R"({"n":1.0,"f":1.50,"e":1e2})")
        << QStringList() << QStringList();
    QTest::newRow("changed values, paths escaped")
        << QByteArray(R"({"ts":1700000000,"a/b":{"x~y":true},"s":"old"})")
        << QByteArray(R"({"ts":1700000999,"a/b":{"x~y":false},"s":"new"})") << QStringList()
        << QStringList {
               "/a~1b/x~0y: true | false", "/s: \"old\" | \"new\"", "/ts: 1700000000 | 1700000999"};
    QTest::newRow("string is not a number")
        << QByteArray(R"({"id":"1"})") << QByteArray(R"({"id":1})") << QStringList()
        << QStringList {"/id: \"1\" | 1"};
    QTest::newRow("missing and extra keys")
        << QByteArray(R"({"a":1,"gone":null})") << QByteArray(R"({"a":1,"new":[1]})")
        << QStringList() << QStringList {"/gone: null | (absent)", "/new: (absent) | [1]"};
    QTest::newRow("array lengths") << QByteArray(R"([1,2,3])") << QByteArray(R"([1,2])")
                                   << QStringList() << QStringList {"/2: 3 | (absent)"};
    QTest::newRow("ignored top-level key")
        << QByteArray(R"({"ts":1,"v":2})") << QByteArray(R"({"ts":9,"v":2})") << QStringList {"/ts"}
        << QStringList();
    QTest::newRow("wildcard index ignores every id, not the rest")
        << QByteArray(R"({"items":[{"id":1,"n":"a"},{"id":2,"n":"b"}]})")
        << QByteArray(R"({"items":[{"id":7,"n":"a"},{"id":8,"n":"c"}]})")
        << QStringList {"/items/*/id"} << QStringList {"/items/1/n: \"b\" | \"c\""};
    QTest::newRow("wildcard key") << QByteArray(R"({"users":{"ann":{"seen":1},"bob":{"seen":2}}})")
                                  << QByteArray(R"({"users":{"ann":{"seen":5},"bob":{"seen":6}}})")
                                  << QStringList {"/users/*/seen"} << QStringList();
    QTest::newRow("ignoring a parent ignores its subtree")
        << QByteArray(R"({"meta":{"a":1,"b":[1]},"v":1})")
        << QByteArray(R"({"meta":{"a":2},"v":1})") << QStringList {"/meta"} << QStringList();
    QTest::newRow("text exactly") << QByteArray("hello") << QByteArray("hello ") << QStringList()
                                  << QStringList {": hello | hello "};
    QTest::newRow("JSON against plain text")
        << QByteArray(R"({"a":1})") << QByteArray("oops") << QStringList()
        << QStringList {R"(: {"a":1} | oops)"};
    QTest::newRow("a JSON scalar is text")
        << QByteArray("1") << QByteArray("1.0") << QStringList() << QStringList {": 1 | 1.0"};
}

void TestMessageComparison::compare()
{
    QFETCH(QByteArray, recorded);
    QFETCH(QByteArray, live);
    QFETCH(QStringList, ignore);
    QFETCH(QStringList, expected);
    const MessageComparison comparison(patterns(ignore));
    QCOMPARE(flattened(comparison.compare({false, recorded}, {false, live})), expected);
}

void TestMessageComparison::pointerPatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<bool>("matches");
    QTest::newRow("exact") << "/ts" << QStringList {"ts"} << true;
    QTest::newRow("other key") << "/ts" << QStringList {"t"} << false;
    QTest::newRow("under it") << "/meta" << QStringList {"meta", "a", "0"} << true;
    QTest::newRow("above it") << "/items/*/id" << QStringList {"items", "0"} << false;
    QTest::newRow("wildcard index") << "/items/*/id" << QStringList {"items", "12", "id"} << true;
    QTest::newRow("wildcard key") << "/*/id" << QStringList {"anything", "id"} << true;
    QTest::newRow("escapes") << "/a~1b/c~0d" << QStringList {"a/b", "c~d"} << true;
    QTest::newRow("empty key") << "/" << QStringList {""} << true;
    QTest::newRow("whole document") << "" << QStringList {"x"} << true;
}

void TestMessageComparison::pointerPatterns()
{
    QFETCH(QString, pattern);
    QFETCH(QStringList, path);
    QFETCH(bool, matches);
    JsonPointerPattern p;
    QString error;
    QVERIFY2(JsonPointerPattern::parse(pattern, &p, &error), qPrintable(error));
    QCOMPARE(p.matches(path), matches);
    QCOMPARE(p.text(), pattern);
}

void TestMessageComparison::badPointersSayWhatIsWrong()
{
    JsonPointerPattern p;
    QString error;
    QVERIFY(!JsonPointerPattern::parse(QStringLiteral("ts"), &p, &error));
    QVERIFY2(error.contains(QLatin1String("must start with '/'")), qPrintable(error));
    QVERIFY(!JsonPointerPattern::parse(QStringLiteral("/a~2"), &p, &error));
    QVERIFY2(error.contains(QLatin1String("'~' must be followed by 0")), qPrintable(error));
}

void TestMessageComparison::pointerFileReportsLines()
{
    QStringList problems;
    const QList<JsonPointerPattern> list = JsonPointerPattern::parseLines(
        QStringLiteral("# volatile fields\r\n/ts\r\n\n  /items/*/id  \nid\n"),
        QStringLiteral("ignore.txt"), &problems);
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).text(), QStringLiteral("/ts"));
    QCOMPARE(list.at(1).text(), QStringLiteral("/items/*/id"));
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.first().startsWith(QLatin1String("ignore.txt:5: 'id' is not a JSON Pointer")),
        qPrintable(problems.first()));
}

void TestMessageComparison::differencesAreBounded()
{
    const MessageComparison comparison;
    // Binary: the first differing byte, both sides from there.
    const Message a {true, QByteArray::fromHex("000102030405")};
    const Message b {true, QByteArray::fromHex("0001020304ff")};
    QCOMPARE(flattened(comparison.compare(a, b)),
        QStringList {": (6 bytes) at byte 5: 05 | (6 bytes) at byte 5: ff"});
    QVERIFY(comparison.matches(a, a));
    // Text never equals binary, even with the same bytes.
    QCOMPARE(comparison.compare(text("ab"), {true, "ab"}).size(), 1);

    // A thousand differing keys: the list stops, and says how many more.
    QByteArray left = "{", right = "{";
    for (int i = 0; i < 1000; ++i) {
        const QByteArray key = "\"k" + QByteArray::number(i) + "\":";
        left += key + "0,";
        right += key + "1,";
    }
    left.back() = '}';
    right.back() = '}';
    const auto differences = comparison.compare({false, left}, {false, right});
    QCOMPARE(differences.size(), MessageComparison::MaxDifferences);
    QCOMPARE(differences.last().path,
        QStringLiteral("(%1 more paths differ)").arg(1000 - MessageComparison::MaxDifferences + 1));
    // A long value is shortened.
    const QByteArray longText(10000, 'x');
    const auto shortened = comparison.compare({false, longText}, text("y"));
    QCOMPARE(shortened.first().recorded.size(), MessageComparison::MaxValueChars);
}

QTEST_GUILESS_MAIN(TestMessageComparison)
#include "tst_messagecomparison.moc"
