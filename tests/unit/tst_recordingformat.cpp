// The recording format and HAR: what is written reads back the same, secrets are redacted, and
// every kind of bad file gets a clear message while good lines still load.
#include "HarFormat.h"
#include "RecordingReader.h"
#include "TrafficBatchBuilder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
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
    TrafficEvent &test = add(Kind::Script, Direction::Local, 47);
    test.code = quint16(TrafficEvent::ScriptNote::TestFailed);
    test.text = QStringLiteral("echo \"keeps\" op");
    test.sequence = 12;
    test.data = QByteArray("expected 3 to be 6 \xc3\xa9");
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
    void eachMessageLineStartsWithItsOwnTimeDirectionAndKind();
    void secretsAreRedactedUnlessKept();
    void malformedLinesAreReportedAndTheRestLoads();
    void aCutOffTailIsNamed();
    void badFiles_data();
    void badFiles();
    void unknownFieldsAndKindsAreTolerated();
    void harImportOfADevtoolsFile();
    void harExportThenImportIsEqual();
    // Issue 12: hostile input and the redaction policy.
    void headerProblems_data();
    void headerProblems();
    void timesOutOfRangeAreRejected_data();
    void timesOutOfRangeAreRejected();
    void aTooLongLineIsReportedAndSkipped();
    void fastScannerAgreesWithQtsParser_data();
    void fastScannerAgreesWithQtsParser();
    void floodMessagesKeepEveryByteWhereverItNeedsEscaping_data();
    void floodMessagesKeepEveryByteWhereverItNeedsEscaping();
    void pongTimeoutKeepsItsText();
    void oneRedactionPolicy();
    void redactionAppliesToEventsAndHeader();
    void harBadShapesAreReportedAndSkipped_data();
    void harBadShapesAreReportedAndSkipped();
    void harImportRedactsSecretsUnlessKept();
    void harRoundTripKeepsOpenCloseSubprotocolAndMicroseconds();
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

void TestRecordingFormat::eachMessageLineStartsWithItsOwnTimeDirectionAndKind()
{
    // A flood's lines reuse the start of the line before when time, direction and kind repeat:
    // a change in any one of them must show in the line, the same as written on its own.
    struct Message
    {
        qint64 timeUs;
        Direction direction;
        Kind kind;
    };
    const QList<Message> messages = {{7, Direction::Incoming, Kind::Text},
        {7, Direction::Incoming, Kind::Text}, {7, Direction::Outgoing, Kind::Text},
        {7, Direction::Outgoing, Kind::Binary}, {7, Direction::Incoming, Kind::Binary},
        {8, Direction::Incoming, Kind::Binary}, {8, Direction::Incoming, Kind::Text},
        {RecordingFormat::MaxTimeUs, Direction::Incoming, Kind::Text},
        {RecordingFormat::MaxTimeUs, Direction::Outgoing, Kind::Binary},
        {0, Direction::Incoming, Kind::Text}};
    TrafficBatchBuilder builder;
    QByteArray separately;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QByteArray payload = "message " + QByteArray::number(i);
        TrafficBatchBuilder one;
        for (TrafficBatchBuilder *b : {&builder, &one}) {
            TrafficEvent &e = b->append(
                messages.at(i).kind, messages.at(i).direction, messages.at(i).timeUs, 0);
            b->setRaw(e, payload.constData(), payload.size());
            e.setPlainWire();
        }
        RecordingFormat::appendEventLines(one.take(), separately);
    }
    const TrafficBatch batch = builder.take();
    QByteArray together;
    RecordingFormat::appendEventLines(batch, together);
    QCOMPARE(together, separately);

    RecordingHeader header;
    header.url = QUrl(QStringLiteral("ws://127.0.0.1:1/"));
    RecordingReader reader;
    QVERIFY(reader.readData(
        RecordingFormat::headerLine(header) + together, QStringLiteral("starts.jsonl")));
    QVERIFY(reader.problems().isEmpty());
    TrafficEventList read;
    for (const TrafficBatch &b : reader.batches())
        read += b.materialized();
    QCOMPARE(read.size(), messages.size());
    for (qsizetype i = 0; i < messages.size(); ++i) {
        QCOMPARE(read.at(i).timeUs, messages.at(i).timeUs);
        QCOMPARE(read.at(i).direction, messages.at(i).direction);
        QCOMPARE(read.at(i).kind, messages.at(i).kind);
        const QByteArray payload = "message " + QByteArray::number(i);
        QCOMPARE(
            read.at(i).kind == Kind::Text ? read.at(i).text.toUtf8() : read.at(i).data, payload);
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
    QCOMPARE(s.header.requestHeaders.at(1).value, QByteArray(RecordingFormat::Redacted));
    // Time 0 is when the request started, as in a recording.
    QCOMPARE(s.header.startWallMs, 1795341601000LL);
    QVERIFY(result.problems.isEmpty());
    const TrafficEventList &events = s.events.events;
    QCOMPARE(events.size(), 4);
    QCOMPARE(events.at(0).kind, Kind::Open); // the 101 response
    QCOMPARE(events.at(1).direction, Direction::Outgoing);
    QCOMPARE(events.at(1).text, QStringLiteral("{\"op\":\"hello\"}"));
    QCOMPARE(events.at(1).timeUs, 500000);
    QCOMPARE(events.at(2).timeUs, 750000);
    QCOMPARE(events.at(3).kind, Kind::Binary);
    QCOMPARE(events.at(3).data, QByteArray::fromHex("000102"));
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
    // Open, the two messages, and the close; pongs and errors are not part of a HAR.
    QCOMPARE(events.size(), 4);
    QCOMPARE(events.at(0).kind, Kind::Open);
    QCOMPARE(events.at(0).text, QStringLiteral("chat"));
    QCOMPARE(events.at(1).text, sampleEvents().events.at(1).text);
    QCOMPARE(events.at(2).data, sampleEvents().events.at(2).data);
    QCOMPARE(events.at(2).timeUs - events.at(1).timeUs, qint64(10));
    QCOMPARE(back.sessions.first().header.url, sampleHeader().url);
}

namespace {
QByteArray minimalHeaderLine()
{
    return QByteArrayLiteral("{\"format\":\"sockscope-recording\",\"version\":1}\n");
}

RecordingReader readOk(const QByteArray &file)
{
    RecordingReader reader;
    if (!reader.readData(file, QStringLiteral("f.jsonl")))
        qWarning() << reader.error();
    return reader;
}

QByteArray harWithMessages(const QByteArray &messages, const QByteArray &requestHeaders = "[]")
{
    return R"({"log":{"entries":[{"startedDateTime":"2026-11-22T10:00:01.000Z",
        "request":{"url":"wss://example.org/","headers":)"
        + requestHeaders + R"(},"response":{"status":101},"_webSocketMessages":)" + messages
        + "}]}}";
}
} // namespace

void TestRecordingFormat::headerProblems_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<bool>("readable");
    QTest::addColumn<QString>("message");
    QTest::newRow("array header") << QByteArray("[1,2,3]\n") << false
                                  << "its first line is JSON, but not an object";
    QTest::newRow("one-line HAR") << QByteArray("{\"log\":{\"version\":\"1.2\",\"entries\":[]}}\n")
                                  << false << "it is a HAR file (convert it with";
    QTest::newRow("start 1e300")
        << QByteArray("{\"format\":\"sockscope-recording\",\"version\":1,\"startUnixMs\":1e300}\n"
                      "{\"timeUs\":1,\"direction\":\"in\",\"kind\":\"text\",\"payload\":\"x\"}\n")
        << true << "f.jsonl:1: the header's \"startUnixMs\" is not a time between 1970 and 9999";
    QTest::newRow("broken URL") << QByteArray(
        "{\"format\":\"sockscope-recording\",\"version\":1,\"url\":\"ws://[::1\"}\n"
        "{\"timeUs\":1,\"direction\":\"in\",\"kind\":\"text\",\"payload\":\"x\"}\n")
                                << true
                                << "f.jsonl:1: the header's \"url\" 'ws://[::1' is not a valid URL";
}

void TestRecordingFormat::headerProblems()
{
    QFETCH(QByteArray, file);
    QFETCH(bool, readable);
    QFETCH(QString, message);
    RecordingReader reader;
    QCOMPARE(reader.readData(file, QStringLiteral("f.jsonl")), readable);
    const QString said = readable ? reader.problemLines().join(QLatin1Char('\n')) : reader.error();
    QVERIFY2(said.contains(message), qPrintable(said));
    QVERIFY(!said.contains(QLatin1String("no error occurred")));
    if (readable) {
        QVERIFY(reader.header().startWallMs >= 0);
        QCOMPARE(reader.eventCount(), 1);
    }
}

void TestRecordingFormat::timesOutOfRangeAreRejected_data()
{
    QTest::addColumn<QByteArray>("time");
    QTest::newRow("1e300") << QByteArray("1e300");
    QTest::newRow("negative") << QByteArray("-5");
    QTest::newRow("huge negative") << QByteArray("-9223372036854775808");
    QTest::newRow("2^62") << QByteArray("4611686018427387904");
}

void TestRecordingFormat::timesOutOfRangeAreRejected()
{
    QFETCH(QByteArray, time);
    const RecordingReader reader = readOk(minimalHeaderLine() + "{\"timeUs\":" + time
        + ",\"direction\":\"out\",\"kind\":\"text\",\"payload\":\"x\"}\n"
          "{\"timeUs\":2147483648000,\"direction\":\"out\",\"kind\":\"text\",\"payload\":\"y\"}\n");
    QCOMPARE(reader.eventCount(), 1); // 2^31 ms is a valid, if long, offset
    QCOMPARE(reader.problems().size(), 1);
    QCOMPARE(reader.problems().first().line, 2);
    QVERIFY2(reader.problems().first().message.contains(QLatin1String("out of range")),
        qPrintable(reader.problems().first().message));
}

void TestRecordingFormat::aTooLongLineIsReportedAndSkipped()
{
    const QByteArray good
        = "{\"timeUs\":1,\"direction\":\"in\",\"kind\":\"text\",\"payload\":\"ok\"}\n";
    const QByteArray longLine
        = "{\"timeUs\":2,\"direction\":\"in\",\"kind\":\"text\",\"payload\":\""
        + QByteArray(5000, 'x') + "\"}\n";
    RecordingReader reader;
    reader.setMaxLineBytes(1024);
    QVERIFY(reader.readData(minimalHeaderLine() + good + longLine + good + longLine.chopped(1),
        QStringLiteral("long.jsonl")));
    QCOMPARE(reader.eventCount(), 2);
    QCOMPARE(reader.problems().size(), 2);
    QCOMPARE(reader.problems().at(0).line, 3);
    QVERIFY(reader.problems().at(0).message.contains(QLatin1String("longer than")));
    QCOMPARE(reader.problems().at(1).line, 5);
    // A first line past the limit is no recording at all.
    RecordingReader first;
    first.setMaxLineBytes(1024);
    QVERIFY(!first.readData(QByteArray(4096, 'a'), QStringLiteral("a.jsonl")));
    QVERIFY(first.error().contains(QLatin1String("first line is longer than")));
}

void TestRecordingFormat::fastScannerAgreesWithQtsParser_data()
{
    QTest::addColumn<QByteArray>("line");
    QByteArray written;
    RecordingFormat::appendEventLines(sampleEvents(), written);
    int i = 0;
    for (const QByteArray &line : written.split('\n')) {
        if (!line.isEmpty())
            QTest::newRow(qPrintable(QStringLiteral("written %1").arg(++i))) << line;
    }
    QTest::newRow("escapes") << QByteArray(
        R"({"timeUs":3,"direction":"in","kind":"text","payload":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac"})");
    QTest::newRow("surrogate pair")
        << QByteArray(R"({"timeUs":3,"direction":"in","kind":"text","payload":"\ud83d\ude00"})");
    QTest::newRow("raw UTF-8") << QByteArray(
        "{\"timeUs\":3,\"direction\":\"in\",\"kind\":\"text\",\"payload\":\"w\xc3\xb6rld\"}");
    QTest::newRow("spaces") << QByteArray(
        R"( { "timeUs" : 3 , "kind" : "note" , "text" : "hi" } )");
    QTest::newRow("fraction") << QByteArray(R"({"timeUs":3.7,"kind":"note"})");
    QTest::newRow("number as kind") << QByteArray(R"({"timeUs":3,"kind":5})");
    QTest::newRow("null payload") << QByteArray(R"({"timeUs":3,"kind":"text","payload":null})");
    QTest::newRow("nested") << QByteArray(R"({"timeUs":3,"kind":"note","x":{"y":[1]}})");
    QTest::newRow("plain frame") << QByteArray(
        R"({"timeUs":3,"direction":"out","kind":"text","size":1,"payload":"a"})");
    QTest::newRow("framing unknown") << QByteArray(
        R"({"timeUs":3,"direction":"in","kind":"text","size":1,"payload":"a","wire":[ ]})");
    QTest::newRow("framing given") << QByteArray(
        R"({"timeUs":3,"direction":"in","kind":"ping","payload":"","wire":[1,2,9,128]})");
}

void TestRecordingFormat::fastScannerAgreesWithQtsParser()
{
    QFETCH(QByteArray, line);
    TrafficEvent slow;
    QString slowError;
    const QJsonDocument document = QJsonDocument::fromJson(line);
    QVERIFY(document.isObject());
    // As in a file whose header says plain frames are left out, so framing is derived too.
    const bool slowOk = RecordingFormat::parseEvent(document.object(), &slow, &slowError, true);
    RecordingFormat::EventFields fields;
    if (!RecordingFormat::scanEventLine(line, &fields))
        return; // left to Qt's parser, which is what the reader then uses
    TrafficEvent fast;
    QString fastError;
    QCOMPARE(RecordingFormat::eventFromFields(fields, &fast, &fastError, true), slowOk);
    QCOMPARE(fastError, slowError);
    if (fast.kind == Kind::Text)
        fast.text = QString::fromUtf8(fields.strings[RecordingFormat::EventFields::Payload]);
    QCOMPARE(fast.kind, slow.kind);
    QCOMPARE(fast.timeUs, slow.timeUs);
    QCOMPARE(fast.direction, slow.direction);
    QCOMPARE(fast.text, slow.text);
    QCOMPARE(fast.data, slow.data);
    QCOMPARE(fast.size, slow.size);
    QCOMPARE(fast.code, slow.code);
    QCOMPARE(fast.sequence, slow.sequence);
    QCOMPARE(fast.durationUs, slow.durationUs);
    QCOMPARE(fast.closedBy, slow.closedBy);
    QCOMPARE(fast.frameFlags, slow.frameFlags);
    QCOMPARE(fast.frames, slow.frames);
    QCOMPARE(fast.wireSize, slow.wireSize);
    QCOMPARE(fast.opcode, slow.opcode);
}

void TestRecordingFormat::floodMessagesKeepEveryByteWhereverItNeedsEscaping_data()
{
    QTest::addColumn<QByteArray>("special");
    QTest::newRow("quote") << QByteArray("\"");
    QTest::newRow("backslash") << QByteArray("\\");
    QTest::newRow("newline") << QByteArray("\n");
    QTest::newRow("control") << QByteArray("\x01");
    QTest::newRow("delete") << QByteArray("\x7f");
    QTest::newRow("two-byte UTF-8") << QByteArray("\xc3\xa9");
    QTest::newRow("four-byte UTF-8") << QByteArray("\xf0\x9f\x98\x80");
}

void TestRecordingFormat::floodMessagesKeepEveryByteWhereverItNeedsEscaping()
{
    // Messages as the engine packs them into a batch's buffer (the recorder's fast path, which
    // copies plain text in blocks): the byte that needs care at every position of every length
    // around the block sizes, and twice in a row.
    QFETCH(QByteArray, special);
    TrafficBatchBuilder builder;
    QList<QByteArray> payloads;
    for (int length = 0; length <= 40; ++length) {
        for (int at = 0; at <= length; ++at) {
            const QByteArray plain(length, 'a');
            for (const QByteArray &inserted : {special, special + special}) {
                const QByteArray payload = plain.left(at) + inserted + plain.mid(at);
                TrafficEvent &e
                    = builder.append(Kind::Text, Direction::Incoming, payloads.size(), 0);
                builder.setRaw(e, payload.constData(), payload.size());
                e.setPlainWire();
                payloads << payload;
            }
        }
    }
    QVERIFY(!builder.isFull());
    QByteArray file = RecordingFormat::headerLine(sampleHeader());
    RecordingFormat::appendEventLines(builder.take(), file);
    // The size is the payload's length: no line says it again.
    QVERIFY(!file.contains("\"size\""));
    RecordingReader reader;
    QVERIFY2(reader.readData(file, QStringLiteral("flood")), qPrintable(reader.error()));
    QVERIFY(reader.problems().isEmpty());
    TrafficEventList read;
    for (const TrafficBatch &b : reader.batches())
        read += b.materialized();
    QCOMPARE(read.size(), payloads.size());
    for (int i = 0; i < read.size(); ++i) {
        QCOMPARE(read.at(i).text.toUtf8(), payloads.at(i));
        QCOMPARE(read.at(i).size, payloads.at(i).size());
        QVERIFY(read.at(i).hasPlainWire());
    }
}

void TestRecordingFormat::pongTimeoutKeepsItsText()
{
    TrafficBatch batch;
    TrafficEvent &e = batch.events.emplace_back();
    e.kind = Kind::PongTimeout;
    e.sequence = 4;
    e.durationUs = 2'000'000;
    e.text = QStringLiteral("no pong for ping #4 after 2 s");
    QByteArray file = minimalHeaderLine();
    RecordingFormat::appendEventLines(batch, file);
    QVERIFY(file.contains("\"text\":\"no pong for ping #4 after 2 s\""));
    const RecordingReader reader = readOk(file);
    QCOMPARE(reader.batches().first().events.first().text, e.text);
}

void TestRecordingFormat::oneRedactionPolicy()
{
    using namespace SecretRedaction;
    QCOMPARE(url(QUrl(QStringLiteral("ws://user:PASSWORD@host/p?token=SECRET&room=1&api_key=K"))),
        QUrl(QStringLiteral("ws://user:redacted@host/p?token=redacted&room=1&api_key=redacted")));
    QCOMPARE(url(QUrl(QStringLiteral("wss://TOKEN@host/"))),
        QUrl(QStringLiteral("wss://redacted@host/")));
    QCOMPARE(url(QUrl(QStringLiteral("ws://host/?Sig=1&session_token=2&keyboard=3"))),
        QUrl(QStringLiteral("ws://host/?Sig=redacted&session_token=redacted&keyboard=3")));
    for (const char *name :
        {"token", "access_token", "api_key", "key", "password", "secret", "sig", "auth"})
        QVERIFY2(isSecretQueryName(QString::fromLatin1(name)), name);
    QVERIFY(isSecretHeader("set-cookie"));
    QVERIFY(!isSecretHeader("X-Trace"));
    const QByteArray request = "GET /feed?token=SECRET&x=1 HTTP/1.1\r\nHost: h\r\nCookie: sid=1\r\n"
                               "Authorization: Bearer B\r\n\r\n";
    const QByteArray redacted = httpHead(request);
    QVERIFY2(!redacted.contains("SECRET") && !redacted.contains("sid=1")
            && !redacted.contains("Bearer B"),
        redacted.constData());
    QVERIFY(redacted.startsWith("GET /feed?token=redacted&x=1 HTTP/1.1\r\nHost: h\r\n"));
    QCOMPARE(urlText(QStringLiteral("not a url")), QStringLiteral("not a url"));
}

void TestRecordingFormat::redactionAppliesToEventsAndHeader()
{
    RecordingHeader header = sampleHeader();
    header.url = QUrl(QStringLiteral("ws://user:PASSWORD@host/?token=SECRET"));
    const RecordingHeader redacted
        = RecordingFormat::redacted(header, SecretRedaction::Policy::Redact);
    QVERIFY(!RecordingFormat::headerLine(redacted).contains("PASSWORD"));
    QVERIFY(!RecordingFormat::headerLine(redacted).contains("SECRET"));
    QVERIFY(!RecordingFormat::headerLine(redacted).contains("s3cret"));
    QCOMPARE(RecordingFormat::redacted(header, SecretRedaction::Policy::Keep).url, header.url);
    TrafficBatch batch = sampleEvents();
    TrafficEvent &connecting = batch.events.emplace_back();
    connecting.kind = Kind::Connecting;
    connecting.text = header.url.toString();
    TrafficEvent &handshake = batch.events.emplace_back();
    handshake.kind = Kind::Handshake;
    handshake.data = "GET /?token=SECRET HTTP/1.1\r\nCookie: c=PASSWORD\r\n\r\n";
    QByteArray lines;
    RecordingFormat::appendEventLines(
        RecordingFormat::redacted(batch, SecretRedaction::Policy::Redact), lines);
    QVERIFY(!lines.contains("PASSWORD") && !lines.contains("SECRET"));
    const TrafficBatch kept = RecordingFormat::redacted(batch, SecretRedaction::Policy::Keep);
    QCOMPARE(kept.events.at(kept.events.size() - 2).text, header.url.toString());
}

void TestRecordingFormat::harBadShapesAreReportedAndSkipped_data()
{
    QTest::addColumn<QByteArray>("messages");
    QTest::addColumn<QString>("problem");
    const QByteArray good = R"({"type":"send","time":1795341602,"opcode":1,"data":"ok"})";
    auto wrap = [&good](const QByteArray &bad) { return "[" + good + "," + bad + "]"; };
    QTest::newRow("time as string")
        << wrap(R"({"type":"send","time":"soon","opcode":1,"data":"x"})")
        << "entry 1, message 2: \"time\" is missing or not a number";
    QTest::newRow("time missing") << wrap(R"({"type":"send","opcode":1,"data":"x"})")
                                  << "entry 1, message 2: \"time\" is missing or not a number";
    QTest::newRow("time 1e300") << wrap(R"({"type":"send","time":1e300,"opcode":1,"data":"x"})")
                                << "entry 1, message 2: \"time\" is not a date";
    QTest::newRow("bad base64") << wrap(
        R"({"type":"receive","time":1795341602,"opcode":2,"data":"!!**"})")
                                << "entry 1, message 2: \"data\" is not base64";
    QTest::newRow("data not a string")
        << wrap(R"({"type":"send","time":1795341602,"opcode":1,"data":42})")
        << "entry 1, message 2: \"data\" is missing or not a string";
    QTest::newRow("opcode 99") << wrap(
        R"({"type":"send","time":1795341602,"opcode":99,"data":"x"})")
                               << "entry 1, message 2: \"opcode\" 99 is not";
    QTest::newRow("unknown type") << wrap(
        R"({"type":"sideways","time":1795341602,"opcode":1,"data":"x"})")
                                  << "entry 1, message 2: \"type\" is not";
    QTest::newRow("message not an object") << wrap("7") << "entry 1, message 2: not an object";
    QTest::newRow("messages as a string")
        << QByteArray(R"("lots")") << "entry 1: \"_webSocketMessages\" is not an array";
}

void TestRecordingFormat::harBadShapesAreReportedAndSkipped()
{
    QFETCH(QByteArray, messages);
    QFETCH(QString, problem);
    const HarFormat::ImportResult result = HarFormat::import(harWithMessages(messages));
    QVERIFY(result.error.isEmpty());
    QCOMPARE(result.problems.size(), 1);
    QVERIFY2(result.problems.first().startsWith(problem), qPrintable(result.problems.first()));
    QVERIFY(result.problems.first().endsWith(QLatin1String("skipped")));
    if (!result.sessions.isEmpty()) { // the good message is still there, with a sane time
        const TrafficEventList &events = result.sessions.first().events.events;
        QCOMPARE(events.size(), 2); // open + the good message
        QCOMPARE(events.at(1).timeUs, 1'000'000);
    }
    // A header name with a line break is left out and named.
    const HarFormat::ImportResult headers = HarFormat::import(harWithMessages(
        "[]", R"([{"name":"X-Evil\r\nHost","value":"v"},{"name":"X-Ok","value":"1"}])"));
    QCOMPARE(headers.problems.size(), 1);
    QVERIFY(headers.problems.first().startsWith(QLatin1String("entry 1, request header 1:")));
    QCOMPARE(headers.sessions.first().header.requestHeaders.size(), 1);
}

void TestRecordingFormat::harImportRedactsSecretsUnlessKept()
{
    const QByteArray har = R"({"log":{"entries":[{"startedDateTime":"2026-11-22T10:00:01.000Z",
        "request":{"url":"wss://u:PASSWORD@example.org/?token=SECRET","headers":[
          {"name":"Cookie","value":"sid=COOKIE"},{"name":"Authorization","value":"Bearer AUTH"}]},
        "response":{"status":101},"_webSocketMessages":[]}]}})";
    const HarFormat::ImportResult redacted = HarFormat::import(har);
    QByteArray file = RecordingFormat::headerLine(redacted.sessions.first().header);
    for (const char *secret : {"PASSWORD", "SECRET", "COOKIE", "AUTH"})
        QVERIFY2(!file.contains(secret), secret);
    const HarFormat::ImportResult kept = HarFormat::import(har, SecretRedaction::Policy::Keep);
    file = RecordingFormat::headerLine(kept.sessions.first().header);
    for (const char *secret : {"PASSWORD", "SECRET", "COOKIE", "AUTH"})
        QVERIFY2(file.contains(secret), secret);
    // And HAR export redacts the URL as well as the headers.
    HarFormat::Session session = kept.sessions.first();
    const QByteArray exported = HarFormat::exportSessions({session});
    for (const char *secret : {"PASSWORD", "SECRET", "COOKIE", "AUTH"})
        QVERIFY2(!exported.contains(secret), secret);
}

void TestRecordingFormat::harRoundTripKeepsOpenCloseSubprotocolAndMicroseconds()
{
    HarFormat::Session session;
    session.header = sampleHeader();
    session.header.offeredSubprotocols = {QStringLiteral("chat"), QStringLiteral("superchat")};
    QRandomGenerator random(12);
    TrafficEventList &events = session.events.events;
    TrafficEvent open;
    open.kind = Kind::Open;
    open.timeUs = 1234;
    open.text = QStringLiteral("chat");
    events.append(open);
    qint64 t = open.timeUs;
    for (int i = 0; i < 1000; ++i) {
        t += 1 + random.bounded(5'000'000);
        TrafficEvent e;
        e.kind = Kind::Text;
        e.direction = i % 2 ? Direction::Incoming : Direction::Outgoing;
        e.timeUs = t;
        e.text = QString::number(i);
        e.size = e.text.size();
        events.append(e);
    }
    TrafficEvent close;
    close.kind = Kind::Close;
    close.timeUs = t + 17;
    close.code = 4001;
    close.text = QStringLiteral("bye");
    close.closedBy = TrafficEvent::Closer::Peer;
    events.append(close);
    const HarFormat::ImportResult back = HarFormat::import(HarFormat::exportSessions({session}));
    QVERIFY(back.problems.isEmpty());
    const HarFormat::Session &read = back.sessions.first();
    QCOMPARE(read.header.offeredSubprotocols, session.header.offeredSubprotocols);
    QCOMPARE(read.header.subprotocol, QStringLiteral("chat"));
    QCOMPARE(read.header.startWallMs, session.header.startWallMs);
    QCOMPARE(read.events.events.size(), events.size());
    int exact = 0;
    for (int i = 0; i < events.size(); ++i) {
        QCOMPARE(read.events.events.at(i).kind, events.at(i).kind);
        exact += read.events.events.at(i).timeUs == events.at(i).timeUs;
    }
    QCOMPARE(exact, events.size()); // every time to the microsecond
    QCOMPARE(read.events.events.last().code, quint16(4001));
    QCOMPARE(read.events.events.last().text, QStringLiteral("bye"));
    QCOMPARE(read.events.events.last().closedBy, TrafficEvent::Closer::Peer);
}

QTEST_GUILESS_MAIN(TestRecordingFormat)
#include "tst_recordingformat.moc"
