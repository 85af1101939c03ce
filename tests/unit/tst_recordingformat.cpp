// The recording format and HAR: what is written reads back the same, secrets are redacted, and
// every kind of bad file gets a clear message while good lines still load.
#include "HarFormat.h"
#include "RecordingReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

RecordingHeader sampleHeader()
{
    RecordingHeader h;
    h.app = QStringLiteral("sockscope test");
    h.url = QUrl(QStringLiteral("wss://example.org/feed?x=1"));
    h.requestHeaders = {{"Authorization", "Bearer s3cret"}, {"X-Trace", "abc"}};
    h.subprotocol = QStringLiteral("chat");
    h.startWallMs = 1'700'000'000'123;
    return h;
}

TrafficBatch sampleEvents()
{
    TrafficBatch batch;
    auto add = [&](Kind kind, Direction direction, qint64 t) -> TrafficEvent & {
        TrafficEvent &e = batch.events.emplace_back();
        e.kind = kind;
        e.direction = direction;
        e.timeUs = t;
        return e;
    };
    add(Kind::Open, Direction::Local, 10).text = QStringLiteral("chat");
    TrafficEvent &text = add(Kind::Text, Direction::Outgoing, 20);
    text.text = QStringLiteral("quote \" backslash \\ newline \n tab \t ctrl \x01 wörld 😀");
    text.size = utf8Size(text.text);
    TrafficEvent &binary = add(Kind::Binary, Direction::Incoming, 30);
    binary.data = QByteArray("\x00\xff\x10 bin", 7);
    binary.size = 7;
    TrafficEvent &pong = add(Kind::Pong, Direction::Incoming, 40);
    pong.sequence = 7;
    pong.durationUs = 321;
    pong.data = "SSCP1234";
    pong.size = 8;
    TrafficEvent &error = add(Kind::Error, Direction::Local, 45);
    error.text = QStringLiteral("the server answered HTTP 302 Found");
    error.code = 302;
    TrafficEvent &close = add(Kind::Close, Direction::Local, 50);
    close.code = 4001;
    close.text = QStringLiteral("bye");
    close.closedBy = TrafficEvent::Closer::Peer;
    return batch;
}

QByteArray sampleFile()
{
    QByteArray file = RecordingFormat::headerLine(sampleHeader());
    RecordingFormat::appendEventLines(sampleEvents(), file);
    return file;
}

} // namespace

class TestRecordingFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void writtenEventsReadBackTheSame();
    void secretsAreRedactedUnlessKept();
    void malformedLinesAreReportedAndTheRestLoads();
    void aCutOffTailIsNamed();
    void badFiles_data();
    void badFiles();
    void unknownFieldsAndKindsAreTolerated();
    void harImportOfADevtoolsFile();
    void harExportThenImportIsEqual();
};

void TestRecordingFormat::writtenEventsReadBackTheSame()
{
    RecordingReader reader;
    QVERIFY2(reader.readData(sampleFile(), QStringLiteral("sample")), qPrintable(reader.error()));
    QVERIFY(reader.problems().isEmpty());
    QCOMPARE(reader.header().url, sampleHeader().url);
    QCOMPARE(reader.header().subprotocol, QStringLiteral("chat"));
    QCOMPARE(reader.header().startWallMs, sampleHeader().startWallMs);
    TrafficEventList read;
    for (const TrafficBatch &b : reader.batches())
        read += b.materialized();
    const TrafficEventList written = sampleEvents().events;
    QCOMPARE(read.size(), written.size());
    for (int i = 0; i < read.size(); ++i) {
        QCOMPARE(read.at(i).kind, written.at(i).kind);
        QCOMPARE(read.at(i).direction, written.at(i).direction);
        QCOMPARE(read.at(i).timeUs, written.at(i).timeUs);
        QCOMPARE(read.at(i).text, written.at(i).text);
        QCOMPARE(read.at(i).data, written.at(i).data);
        QCOMPARE(read.at(i).code, written.at(i).code);
        QCOMPARE(read.at(i).sequence, written.at(i).sequence);
        QCOMPARE(read.at(i).durationUs, written.at(i).durationUs);
        QCOMPARE(read.at(i).closedBy, written.at(i).closedBy);
        QCOMPARE(read.at(i).wallMs, sampleHeader().startWallMs + written.at(i).timeUs / 1000);
    }
}

void TestRecordingFormat::secretsAreRedactedUnlessKept()
{
    const QList<HttpHeader> headers
        = {{"Authorization", "Bearer x"}, {"cookie", "a=b"}, {"X-Ok", "1"}};
    const QList<HttpHeader> redacted = RecordingFormat::redactedHeaders(headers, false);
    QCOMPARE(redacted.at(0).value, QByteArray(RecordingFormat::Redacted));
    QCOMPARE(redacted.at(1).value, QByteArray(RecordingFormat::Redacted));
    QCOMPARE(redacted.at(2).value, QByteArray("1"));
    QCOMPARE(RecordingFormat::redactedHeaders(headers, true), headers);
    QVERIFY(QByteArray(RecordingFormat::Redacted).contains("redacted"));
}

void TestRecordingFormat::malformedLinesAreReportedAndTheRestLoads()
{
    QByteArray file = sampleFile();
    QList<QByteArray> lines = file.split('\n');
    lines.insert(3, "{not json");
    lines.insert(5, "{\"direction\":\"in\",\"kind\":\"text\",\"payload\":\"no time\"}");
    lines.insert(6, "{\"timeUs\":5,\"kind\":\"binary\",\"payload\":\"!!!\"}");
    RecordingReader reader;
    QVERIFY(reader.readData(lines.join('\n'), QStringLiteral("broken.jsonl")));
    QCOMPARE(reader.eventCount(), qint64(sampleEvents().events.size()));
    QCOMPARE(reader.problems().size(), 3);
    QCOMPARE(reader.problems().at(0).line, 4);
    QVERIFY(
        reader.problemLines().at(0).startsWith(QLatin1String("broken.jsonl:4: not a JSON object")));
    QVERIFY(reader.problems().at(1).message.contains(QLatin1String("timeUs")));
    QVERIFY(reader.problems().at(2).message.contains(QLatin1String("base64")));
}

void TestRecordingFormat::aCutOffTailIsNamed()
{
    QByteArray file = sampleFile();
    file.chop(12); // the last record loses its end and its newline
    RecordingReader reader;
    QVERIFY(reader.readData(file, QStringLiteral("cut.jsonl")));
    QCOMPARE(reader.eventCount(), qint64(sampleEvents().events.size() - 1));
    QCOMPARE(reader.problems().size(), 1);
    QVERIFY(reader.problems().first().message.contains(QLatin1String("cut off")));
}

void TestRecordingFormat::badFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << QByteArray("") << "the file is empty";
    QTest::newRow("whitespace") << QByteArray("\n \n") << "the file is empty";
    QTest::newRow("binary") << QByteArray("\x7f"
                                          "ELF\x02\x01\x00\x00",
        8) << "binary file";
    QTest::newRow("plain text") << QByteArray("hello world\n") << "first line is not a JSON object";
    QTest::newRow("other JSON Lines")
        << QByteArray("{\"name\":\"x\"}\n{\"name\":\"y\"}\n") << "not a Sockscope recording";
    QTest::newRow("HAR") << QByteArray("{\n \"log\": {\"entries\": []}\n}\n") << "HAR file";
    QTest::newRow("newer version")
        << QByteArray("{\"format\":\"sockscope-recording\",\"version\":2}\n")
        << "version 2 recording; this Sockscope reads version 1";
    QTest::newRow("only bad lines")
        << QByteArray("{\"format\":\"sockscope-recording\",\"version\":1}\nnope\nnope\n")
        << "no event could be read";
}

void TestRecordingFormat::badFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    RecordingReader reader;
    QVERIFY(!reader.readData(content, QStringLiteral("bad.jsonl")));
    QVERIFY2(reader.error().contains(message), qPrintable(reader.error()));
    QVERIFY(reader.error().contains(QLatin1String("bad.jsonl")));
}

void TestRecordingFormat::unknownFieldsAndKindsAreTolerated()
{
    const QByteArray file = "{\"format\":\"sockscope-recording\",\"version\":1,\"future\":true}\n"
                            "{\"timeUs\":1,\"direction\":\"in\",\"kind\":\"text\",\"payload\":"
                            "\"hi\",\"colour\":\"red\"}\n"
                            "{\"timeUs\":2,\"direction\":\"local\",\"kind\":\"hologram\"}\n";
    RecordingReader reader;
    QVERIFY2(reader.readData(file, QStringLiteral("later.jsonl")), qPrintable(reader.error()));
    QCOMPARE(reader.eventCount(), 2);
    const TrafficEventList events = reader.batches().first().materialized();
    QCOMPARE(events.at(0).text, QStringLiteral("hi"));
    QCOMPARE(events.at(1).kind, Kind::Note);
    QVERIFY(events.at(1).text.contains(QLatin1String("hologram")));
}

void TestRecordingFormat::harImportOfADevtoolsFile()
{
    // The shape Chrome's devtools export: a page, an XHR, and a WebSocket entry.
    const QByteArray har
        = R"({"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],
      "entries":[
       {"startedDateTime":"2026-11-22T10:00:00.000Z","request":{"method":"GET","url":"https://example.org/","headers":[]},"response":{"status":200}},
       {"startedDateTime":"2026-11-22T10:00:01.000Z","_resourceType":"websocket",
        "request":{"method":"GET","url":"wss://example.org/socket","headers":[{"name":"Origin","value":"https://example.org"},{"name":"Cookie","value":"sid=1"}]},
        "response":{"status":101,"statusText":"Switching Protocols"},
        "_webSocketMessages":[
          {"type":"send","time":1795341601.5,"opcode":1,"data":"{\"op\":\"hello\"}"},
          {"type":"receive","time":1795341601.75,"opcode":1,"data":"welcome"},
          {"type":"receive","time":1795341602.0,"opcode":2,"data":"AAEC"}]},
       {"startedDateTime":"2026-11-22T10:00:02.000Z","request":{"method":"GET","url":"https://example.org/app.js","headers":[]},"response":{"status":200}}]}})";
    const HarFormat::ImportResult result = HarFormat::import(har);
    QVERIFY(result.error.isEmpty());
    QCOMPARE(result.skippedEntries, 2);
    QCOMPARE(result.sessions.size(), 1);
    const HarFormat::Session &s = result.sessions.first();
    QCOMPARE(s.header.url, QUrl(QStringLiteral("wss://example.org/socket")));
    QCOMPARE(s.header.requestHeaders.size(), 2);
    QCOMPARE(s.header.startWallMs, 1795341601500LL);
    const TrafficEventList &events = s.events.events;
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).direction, Direction::Outgoing);
    QCOMPARE(events.at(0).text, QStringLiteral("{\"op\":\"hello\"}"));
    QCOMPARE(events.at(1).timeUs, 250000);
    QCOMPARE(events.at(2).kind, Kind::Binary);
    QCOMPARE(events.at(2).data, QByteArray::fromHex("000102"));
    QVERIFY(HarFormat::import("[1,2]").error.contains(QLatin1String("not a HAR")));
}

void TestRecordingFormat::harExportThenImportIsEqual()
{
    HarFormat::Session session;
    session.header = sampleHeader();
    session.events = sampleEvents();
    const QByteArray har = HarFormat::exportSessions({session});
    const QJsonObject entry = QJsonDocument::fromJson(har)
                                  .object()[QStringLiteral("log")][QStringLiteral("entries")][0]
                                  .toObject();
    QCOMPARE(entry[QStringLiteral("_resourceType")].toString(), QStringLiteral("websocket"));
    QCOMPARE(entry[QStringLiteral("response")][QStringLiteral("status")].toInt(), 101);
    QVERIFY(!har.contains("s3cret")); // sanitised like a recording
    const HarFormat::ImportResult back = HarFormat::import(har);
    QCOMPARE(back.sessions.size(), 1);
    const TrafficEventList &events = back.sessions.first().events.events;
    QCOMPARE(events.size(), 2); // the two messages; status events are not part of a HAR
    QCOMPARE(events.at(0).text, sampleEvents().events.at(1).text);
    QCOMPARE(events.at(1).data, sampleEvents().events.at(2).data);
    QCOMPARE(events.at(1).timeUs - events.at(0).timeUs, qint64(10));
    QCOMPARE(back.sessions.first().header.url, sampleHeader().url);
}

QTEST_GUILESS_MAIN(TestRecordingFormat)
#include "tst_recordingformat.moc"
