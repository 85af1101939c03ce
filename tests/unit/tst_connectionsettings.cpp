// What the user types (URLs, headers, durations, sizes, close codes) is accepted or refused with a
// message that names the problem.
#include "CloseCode.h"
#include "ConnectOptions.h"
#include "ConnectionSettings.h"
#include "ReconnectBackoff.h"
#include "TrafficEvent.h"

#include <QRandomGenerator>
#include <QTest>

class TestConnectionSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseUrl_data();
    void parseUrl();
    void headers_data();
    void headers();
    void defaults();
    void encodedCharactersStayValid();
    void heartbeatLimits();
    void caFileMustExist();
    void durations_data();
    void durations();
    void sizes_data();
    void sizes();
    void closeCodes();
    void closeReasonIsCutAtACharacterBoundary();
    void utf8SizeCountsBytes_data();
    void utf8SizeCountsBytes();
    void backoffIsRandomThenExponentialAndCapped();
};

void TestConnectionSettings::parseUrl_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected"); // the URL, or empty when refused
    QTest::addColumn<QString>("errorPart");

    QTest::newRow("ws") << "ws://example.org/chat"
                        << "ws://example.org/chat"
                        << "";
    QTest::newRow("wss with port") << "wss://127.0.0.1:8443/x?y=1"
                                   << "wss://127.0.0.1:8443/x?y=1"
                                   << "";
    QTest::newRow("no scheme means ws") << "localhost:8080/feed"
                                        << "ws://localhost:8080/feed"
                                        << "";
    QTest::newRow("padded") << "  ws://a.b  "
                            << "ws://a.b"
                            << "";
    QTest::newRow("empty") << ""
                           << ""
                           << "empty";
    QTest::newRow("http") << "http://example.org"
                          << ""
                          << "start with ws://";
    QTest::newRow("https") << "https://example.org"
                           << ""
                           << "start with wss://";
    QTest::newRow("ftp") << "ftp://example.org"
                         << ""
                         << "scheme 'ftp'";
    QTest::newRow("no host") << "ws:///path"
                             << ""
                             << "no host";
    QTest::newRow("fragment") << "ws://h/p#frag"
                              << ""
                              << "fragment";
    QTest::newRow("bad port") << "ws://h:99999/"
                              << ""
                              << "not a valid URL";
    QTest::newRow("space in host") << "ws://ex ample.org/"
                                   << ""
                                   << "not a valid URL";
}

void TestConnectionSettings::parseUrl()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(QString, errorPart);
    QString error;
    const QUrl url = ConnectionSettings::parseUrl(input, &error);
    if (expected.isEmpty()) {
        QVERIFY(!url.isValid());
        QVERIFY2(error.contains(errorPart), qPrintable(error));
    } else {
        QCOMPARE(url.toString(), expected);
        QVERIFY(error.isEmpty());
    }
}

void TestConnectionSettings::headers_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("errorPart");

    QTest::newRow("plain") << "X-Token: abc" << true << "";
    QTest::newRow("authorization") << "Authorization: Bearer x.y.z" << true << "";
    QTest::newRow("no colon") << "X-Token abc" << false << "Name: value";
    QTest::newRow("bad name") << "X Token: abc" << false << "not a valid header name";
    QTest::newRow("line break") << QStringLiteral("X-A: 1\r\nX-B: 2") << false << "line break";
    QTest::newRow("host") << "Host: evil" << false << "set by the WebSocket handshake";
    QTest::newRow("upgrade") << "upgrade: h2c" << false << "set by the WebSocket handshake";
    QTest::newRow("key") << "Sec-WebSocket-Key: abc" << false << "set by the WebSocket handshake";
    QTest::newRow("version") << "Sec-WebSocket-Version: 8" << false
                             << "set by the WebSocket handshake";
    QTest::newRow("extensions") << "Sec-WebSocket-Extensions: permessage-deflate" << false
                                << "handshake";
}

void TestConnectionSettings::headers()
{
    QFETCH(QString, line);
    QFETCH(bool, accepted);
    QFETCH(QString, errorPart);
    ConnectionSettings s;
    QString error;
    QCOMPARE(s.addHeaderLine(line, &error), accepted);
    QCOMPARE(s.headers.size(), accepted ? 1 : 0);
    QVERIFY2(error.contains(errorPart), qPrintable(error));
}

void TestConnectionSettings::defaults()
{
    const ConnectionSettings s;
    QCOMPARE(s.connectTimeoutMs, 10000);
    QVERIFY(s.heartbeat.enabled);
    QCOMPARE(s.heartbeat.intervalMs, 20000);
    QCOMPARE(s.heartbeat.timeoutMs, 20000);
    QCOMPARE(s.heartbeat.onTimeout, HeartbeatSettings::TimeoutAction::Report);
    QVERIFY(!s.reconnect.enabled);
    QVERIFY(!s.tls.ignoreCertificateErrors);
    QCOMPARE(s.maxIncomingMessageSize, qint64(64) * 1024 * 1024);
    QVERIFY(s.validate().contains(QLatin1String("no URL")));
}

void TestConnectionSettings::encodedCharactersStayValid()
{
    // A parsed URL with %20 must still validate: re-parsing its decoded form would fail.
    ConnectionSettings s;
    QString error;
    s.url = ConnectionSettings::parseUrl(QStringLiteral("ws://h/close?reason=see%20you"), &error);
    QVERIFY2(s.url.isValid(), qPrintable(error));
    QCOMPARE(s.validate(), QString());
    QVERIFY(!ConnectionSettings::parseUrl(QStringLiteral("ws://h/a b?c"), &error).isValid());
    QVERIFY2(!error.contains(QLatin1String("source was")),
        qPrintable(error)); // the cause, not Qt's dump
}

void TestConnectionSettings::heartbeatLimits()
{
    ConnectionSettings s;
    QString error;
    s.url = ConnectionSettings::parseUrl(QStringLiteral("ws://h"), &error);
    s.heartbeat.intervalMs = 50;
    QCOMPARE(s.validate(), QString());
    s.heartbeat.intervalMs = 49;
    QVERIFY(s.validate().contains(QLatin1String("minimum is 50 ms")));
    s.heartbeat.enabled = false; // a disabled heartbeat's numbers don't matter
    QCOMPARE(s.validate(), QString());

    HeartbeatSettings::TimeoutAction action;
    QVERIFY(HeartbeatSettings::parseAction(QStringLiteral("Reconnect"), &action));
    QCOMPARE(action, HeartbeatSettings::TimeoutAction::Reconnect);
    QVERIFY(!HeartbeatSettings::parseAction(QStringLiteral("explode"), &action));
}

void TestConnectionSettings::caFileMustExist()
{
    ConnectionSettings s;
    QString error;
    s.url = ConnectionSettings::parseUrl(QStringLiteral("wss://h"), &error);
    s.tls.caFile = QStringLiteral("/nonexistent/ca.pem");
    QVERIFY(s.validate().contains(QLatin1String("does not exist")));
}

void TestConnectionSettings::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("ms"); // -1: refused
    QTest::newRow("seconds") << "20" << 20000;
    QTest::newRow("fraction") << "0.05" << 50;
    QTest::newRow("leading dot") << ".5" << 500;
    QTest::newRow("ms suffix") << "250ms" << 250;
    QTest::newRow("s suffix") << "2s" << 2000;
    QTest::newRow("negative") << "-1" << -1;
    QTest::newRow("word") << "soon" << -1;
}

void TestConnectionSettings::durations()
{
    QFETCH(QString, text);
    QFETCH(int, ms);
    int result = -1;
    QCOMPARE(ConnectOptions::parseDuration(text, &result), ms >= 0);
    if (ms >= 0)
        QCOMPARE(result, ms);
}

void TestConnectionSettings::sizes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes"); // -1: refused
    QTest::newRow("bytes") << "65536" << qint64(65536);
    QTest::newRow("K") << "64K" << qint64(65536);
    QTest::newRow("MiB") << "64MiB" << qint64(64) * 1024 * 1024;
    QTest::newRow("G") << "1g" << (qint64(1) << 30);
    QTest::newRow("zero") << "0" << qint64(-1);
    QTest::newRow("junk") << "lots" << qint64(-1);
}

void TestConnectionSettings::sizes()
{
    QFETCH(QString, text);
    QFETCH(qint64, bytes);
    qint64 result = -1;
    QCOMPARE(ConnectOptions::parseSize(text, &result), bytes > 0);
    if (bytes > 0)
        QCOMPARE(result, bytes);
}

void TestConnectionSettings::closeCodes()
{
    QVERIFY(CloseCode::isSendable(1000));
    QVERIFY(CloseCode::isSendable(1011));
    QVERIFY(CloseCode::isSendable(4001));
    QVERIFY(!CloseCode::isSendable(1005));
    QVERIFY(!CloseCode::isSendable(1006));
    QVERIFY(!CloseCode::isSendable(1015));
    QVERIFY(!CloseCode::isSendable(999));
    QVERIFY(!CloseCode::isSendable(5000));
    QCOMPARE(CloseCode::describe(1006), QStringLiteral("1006 (abnormal closure)"));
    QCOMPARE(CloseCode::describe(4001), QStringLiteral("4001"));
}

void TestConnectionSettings::closeReasonIsCutAtACharacterBoundary()
{
    const QString reason = QString(122, QLatin1Char('a')) + QStringLiteral("é"); // 124 bytes
    const QString cut = CloseCode::truncateReason(reason);
    QCOMPARE(cut, QString(122, QLatin1Char('a')));
    QCOMPARE(CloseCode::truncateReason(QStringLiteral("short")), QStringLiteral("short"));
}

void TestConnectionSettings::utf8SizeCountsBytes_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("ascii") << QStringLiteral("hello");
    QTest::newRow("latin") << QStringLiteral("héllo");
    QTest::newRow("cjk") << QStringLiteral("日本語");
    QTest::newRow("emoji") << QStringLiteral("a😀b");
    QTest::newRow("empty") << QString();
}

void TestConnectionSettings::utf8SizeCountsBytes()
{
    QFETCH(QString, text);
    QCOMPARE(utf8Size(text), qint64(text.toUtf8().size()));
}

void TestConnectionSettings::backoffIsRandomThenExponentialAndCapped()
{
    ReconnectSettings settings;
    settings.enabled = true;
    settings.initialDelayMs = 1000;
    settings.maxDelayMs = 5000;
    settings.maxAttempts = 6;
    QRandomGenerator random(42);
    ReconnectBackoff backoff(settings, &random);
    const int first = backoff.nextDelayMs();
    QVERIFY(first >= 0 && first <= 1000);
    QCOMPARE(backoff.nextDelayMs(), 2000);
    QCOMPARE(backoff.nextDelayMs(), 4000);
    QCOMPARE(backoff.nextDelayMs(), 5000);
    QCOMPARE(backoff.nextDelayMs(), 5000);
    QVERIFY(!backoff.exhausted());
    backoff.nextDelayMs();
    QVERIFY(backoff.exhausted());
    backoff.reset();
    QCOMPARE(backoff.attempts(), 0);

    // Many clients dropped at once do not all come back at the same moment.
    QSet<int> firsts;
    for (int i = 0; i < 20; ++i) {
        ReconnectBackoff b(settings, &random);
        firsts.insert(b.nextDelayMs());
    }
    QVERIFY(firsts.size() > 10);
}

QTEST_GUILESS_MAIN(TestConnectionSettings)
#include "tst_connectionsettings.moc"
