// Recording, replay and the mock server through the engine, against real peers: a recorded
// session replays to another server and records the same conversation; replay keeps the recorded
// timing; a recording survives kill -9; the mock server serves two clients at once in both modes.
#include "ConnectionHandle.h"
#include "EventRecorder.h"
#include "MockServer.h"
#include "PeerProcess.h"
#include "RecordingReader.h"
#include "SessionRecorder.h"
#include "TestServer.h"
#include "TestSettings.h"
#include "TrafficBatchBuilder.h"

#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using Kind = TrafficEvent::Kind;
using Direction = TrafficEvent::Direction;

namespace {

// The messages of a recording, in order, as "in:text" / "out:binary-hex" lines.
QStringList messageSequence(const RecordingReader &reader, Direction direction)
{
    QStringList sequence;
    for (const TrafficBatch &batch : reader.batches()) {
        for (const TrafficEvent &e : batch.events) {
            if (e.isMessage() && e.direction == direction)
                sequence << (e.kind == Kind::Text ? batch.text(e)
                                                  : QString::fromLatin1(batch.payload(e).toHex()));
        }
    }
    return sequence;
}

// A recording made by hand: client messages at the given times (ms after the open).
QByteArray recordingWithClientMessages(const QList<std::pair<int, QString>> &messages)
{
    RecordingHeader header;
    header.url = QUrl(QStringLiteral("ws://127.0.0.1:9/"));
    TrafficBatch batch;
    TrafficEvent open;
    open.kind = Kind::Open;
    open.timeUs = 1000;
    batch.events << open;
    for (const auto &[ms, text] : messages) {
        TrafficEvent e;
        e.kind = Kind::Text;
        e.direction = Direction::Outgoing;
        e.timeUs = 1000 + ms * 1000LL;
        e.text = text;
        e.size = utf8Size(text);
        batch.events << e;
    }
    QByteArray file = RecordingFormat::headerLine(header);
    RecordingFormat::appendEventLines(batch, file);
    return file;
}

bool waitForNote(const EventRecorder &recorder, const QString &start)
{
    return QTest::qWaitFor(
        [&] {
            for (const TrafficEvent &e : recorder.events) {
                if (e.kind == Kind::Note && e.text.contains(start))
                    return true;
            }
            return false;
        },
        10000);
}

} // namespace

class TestRecording : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void recordReplayAndRecordAgainGivesTheSameConversation();
    void replayKeepsTheRecordedTiming_data();
    void replayKeepsTheRecordedTiming();
    void replayCanWaitForEachReply();
    void recordingSurvivesKillDashNine();
    void aFinishedRecordingTakesNoMoreDiskThanItsSize();
    void aFloodIsAllocatedAheadAndAQuietRecordingIsNot();
    void aFailedWriteCutsTheFileBackToItsLastCompleteLine();
    void mockServerTimedServesTwoClientsAtOnce();
    void mockServerReplyModeAnswersEachMessage();
    void everyConnectionCanBeRecordedIntoAFolder();
    void aDiskThatFallsBehindIsReportedAndNothingIsLost();

private:
    QTemporaryDir m_dir;
};

void TestRecording::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestRecording::recordReplayAndRecordAgainGivesTheSameConversation()
{
    PeerProcess python;
    QVERIFY2(python.startPython({QStringLiteral("echo")}), qPrintable(python.errorText()));
    const QString first = m_dir.filePath(QStringLiteral("first.jsonl"));
    {
        ConnectionHandle connection(quietSettings(python.url()));
        EventRecorder recorder(&connection);
        connection.startRecording(first);
        connection.open();
        QVERIFY(recorder.waitForState(ConnectionState::Open));
        connection.sendText(QStringLiteral("{\"op\":\"subscribe\",\"channel\":\"prices\"}"));
        connection.sendBinary(QByteArray::fromHex("00ff10"));
        connection.sendText(QStringLiteral("ünïcode ✓"));
        QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming)
                + recorder.count(Kind::Binary, Direction::Incoming),
            3);
        connection.requestClose(1000);
        QVERIFY(recorder.waitForState(ConnectionState::Closed));
        connection.stopRecording();
        QVERIFY(waitForNote(recorder, QStringLiteral("events written to")));
    }
    RecordingReader original;
    QVERIFY2(original.read(first), qPrintable(original.error()));
    QCOMPARE(messageSequence(original, Direction::Outgoing).size(), 3);

    PeerProcess node;
    QVERIFY2(node.startNode({QStringLiteral("echo")}), qPrintable(node.errorText()));
    const QString second = m_dir.filePath(QStringLiteral("second.jsonl"));
    {
        ConnectionHandle connection(quietSettings(node.url()));
        EventRecorder recorder(&connection);
        QSignalSpy finished(&connection, &ConnectionHandle::replayFinished);
        connection.startRecording(second);
        connection.startReplay(ReplayPlan::fromRecording(original));
        connection.open();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().toBool(), true);
        QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming)
                + recorder.count(Kind::Binary, Direction::Incoming),
            3);
        connection.stopRecording();
        QVERIFY(waitForNote(recorder, QStringLiteral("events written to")));
    }
    RecordingReader replayed;
    QVERIFY2(replayed.read(second), qPrintable(replayed.error()));
    QCOMPARE(messageSequence(replayed, Direction::Outgoing),
        messageSequence(original, Direction::Outgoing));
    QCOMPARE(messageSequence(replayed, Direction::Incoming),
        messageSequence(original, Direction::Incoming));
}

void TestRecording::replayKeepsTheRecordedTiming_data()
{
    QTest::addColumn<double>("speed");
    QTest::newRow("1x") << 1.0;
    QTest::newRow("2x") << 2.0;
}

void TestRecording::replayKeepsTheRecordedTiming()
{
    QFETCH(double, speed);
    const QList<int> at = {0, 40, 100, 250, 300, 420};
    QList<std::pair<int, QString>> messages;
    for (int i = 0; i < at.size(); ++i)
        messages.append({at.at(i), QStringLiteral("m%1").arg(i)});
    RecordingReader reader;
    QVERIFY(reader.readData(recordingWithClientMessages(messages), QStringLiteral("timed")));
    ReplayPlan plan = ReplayPlan::fromRecording(reader);
    plan.speed = speed;

    PeerProcess peer; // stamps each arrival with its own monotonic clock
    QVERIFY2(peer.startPython({QStringLiteral("stamp")}), qPrintable(peer.errorText()));
    ConnectionHandle connection(quietSettings(peer.url()));
    QSignalSpy finished(&connection, &ConnectionHandle::replayFinished);
    connection.startReplay(plan);
    connection.open();
    QVERIFY(finished.wait(10000));
    QList<qint64> arrivals;
    for (int i = 0; i < at.size(); ++i) {
        const QString line = peer.waitForLine(QStringLiteral("ARRIVAL"));
        QVERIFY(line.endsWith(QStringLiteral(" m%1").arg(i)));
        arrivals << line.section(QLatin1Char(' '), 1, 1).toLongLong();
    }
    for (int i = 1; i < at.size(); ++i) {
        const double gapMs = (arrivals.at(i) - arrivals.at(i - 1)) / 1e6;
        const double expectedMs = (at.at(i) - at.at(i - 1)) / speed;
        // A generous bound: the precise figures are measured by scripts/bench.
        QVERIFY2(qAbs(gapMs - expectedMs) < 25,
            qPrintable(
                QStringLiteral("gap %1: %2 ms, recorded %3 ms").arg(i).arg(gapMs).arg(expectedMs)));
    }
}

void TestRecording::replayCanWaitForEachReply()
{
    RecordingReader reader;
    QVERIFY(reader.readData(recordingWithClientMessages(
                                {{0, QStringLiteral("stall 0.3")}, {10, QStringLiteral("after")}}),
        QStringLiteral("wait")));
    ReplayPlan plan = ReplayPlan::fromRecording(reader);
    plan.waitForReply = true;
    PeerProcess peer; // "stall 0.3" blocks the server 0.3 s before it replies
    QVERIFY2(peer.startPython({QStringLiteral("echo")}), qPrintable(peer.errorText()));
    ConnectionHandle connection(quietSettings(peer.url()));
    EventRecorder recorder(&connection);
    QSignalSpy finished(&connection, &ConnectionHandle::replayFinished);
    connection.startReplay(plan);
    connection.open();
    QVERIFY(finished.wait(10000));
    QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 2);
    const QList<TrafficEvent> texts = recorder.ofKind(Kind::Text);
    qint64 replyUs = -1;
    qint64 secondSentUs = -1;
    for (const TrafficEvent &e : texts) {
        if (e.direction == Direction::Incoming && replyUs < 0)
            replyUs = e.timeUs;
        if (e.direction == Direction::Outgoing && e.text == QLatin1String("after"))
            secondSentUs = e.timeUs;
    }
    QVERIFY2(secondSentUs >= replyUs, "the second message waits for the reply to the first");
}

void TestRecording::recordingSurvivesKillDashNine()
{
    TestServer server;
    const QString path = m_dir.filePath(QStringLiteral("killed.jsonl"));
    QProcess cli;
    cli.start(QStringLiteral(SOCKSCOPE_BINARY),
        {QStringLiteral("record"), server.url().toString(), QStringLiteral("-o"), path,
            QStringLiteral("--no-ping")});
    QVERIFY(cli.waitForStarted());
    cli.write("burst 300000 64\n");
    // Wait until a good part of the flood is on disk, then kill without warning.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(path).size() > 4LL * 1024 * 1024, 30000);
    ::kill(pid_t(cli.processId()), SIGKILL);
    QVERIFY(cli.waitForFinished(5000));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    const qint64 completeLines = content.count('\n');
    RecordingReader reader;
    QVERIFY2(reader.read(path), qPrintable(reader.error()));
    // Every complete record loads; only a cut-off tail, if any, is reported.
    QCOMPARE(reader.eventCount(), completeLines - 1);
    QVERIFY(reader.problems().size() <= 1);
    if (!content.endsWith('\n'))
        QVERIFY(reader.problems().first().message.contains(QLatin1String("cut off")));
    QVERIFY(reader.eventCount() > 10000);
}

void TestRecording::aFinishedRecordingTakesNoMoreDiskThanItsSize()
{
    // The writer allocates the file ahead of its writes (8 MiB at a time) and gives back what was
    // not used when the recording ends.
    TestServer server;
    const QString path = m_dir.filePath(QStringLiteral("allocated.jsonl"));
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.startRecording(path);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    const int messages = 100'000;
    connection.sendText(QStringLiteral("burst %1 64").arg(messages));
    QTRY_COMPARE_WITH_TIMEOUT(recorder.count(Kind::Text, Direction::Incoming), messages, 30000);
    connection.stopRecording();
    QTRY_VERIFY(std::any_of(recorder.events.cbegin(), recorder.events.cend(),
        [](const TrafficEvent &e) { return e.text.contains(QLatin1String("events written to")); }));

    struct stat info = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &info), 0);
    const qint64 allocated = qint64(info.st_blocks) * 512;
    // Whole blocks, and at most one block of the file system's own bookkeeping (an extent index).
    QVERIFY2(allocated <= (info.st_size + 4095) / 4096 * 4096 + 4096,
        qPrintable(QStringLiteral("%1 bytes allocated for %2").arg(allocated).arg(info.st_size)));
    RecordingReader reader;
    QVERIFY2(reader.read(path), qPrintable(reader.error()));
    QVERIFY(reader.problems().isEmpty());
    qint64 texts = 0;
    for (const TrafficBatch &batch : reader.batches())
        texts
            += std::count_if(batch.events.cbegin(), batch.events.cend(), [](const TrafficEvent &e) {
                   return e.kind == Kind::Text && e.direction == Direction::Incoming;
               });
    QCOMPARE(texts, qint64(messages));
}

namespace {

qint64 allocatedBytes(const QString &path)
{
    struct stat info = {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? qint64(info.st_blocks) * 512
                                                                   : -1;
}

// Whole blocks of 4 KiB, and at most one more for the file system's bookkeeping.
bool holdsNoMoreThanItsSize(const QString &path)
{
    const qint64 size = QFileInfo(path).size();
    return allocatedBytes(path) <= (size + 4095) / 4096 * 4096 + 4096;
}

TrafficBatch textMessages(int count)
{
    TrafficBatchBuilder builder;
    const QByteArray payload(64, 'm');
    for (int i = 0; i < count; ++i) {
        TrafficEvent &e = builder.append(Kind::Text, Direction::Incoming, i, 0);
        builder.setRaw(e, payload.constData(), payload.size());
        e.setPlainWire();
    }
    return builder.take();
}

} // namespace

void TestRecording::aFloodIsAllocatedAheadAndAQuietRecordingIsNot()
{
    {
        // Only where the file system allocates ahead at all (ext4, XFS, tmpfs do).
        QFile probe(m_dir.filePath(QStringLiteral("probe")));
        QVERIFY(probe.open(QIODevice::WriteOnly));
        if (::fallocate(probe.handle(), FALLOC_FL_KEEP_SIZE, 0, 1024LL * 1024) != 0)
            QSKIP("this file system does not allocate ahead");
    }
    RecordingHeader header;
    header.url = QUrl(QStringLiteral("ws://127.0.0.1:1/"));
    const QString path = m_dir.filePath(QStringLiteral("ahead.jsonl"));
    SessionRecorder recorder(path, header, SecretRedaction::Policy::Keep);
    QVERIFY(recorder.isOpen());
    const qint64 headerBytes = QFileInfo(path).size();
    // A few lines at a time: written by the 200 ms flush, nothing reserved.
    recorder.record(textMessages(3));
    QTRY_VERIFY(QFileInfo(path).size() > headerBytes);
    QVERIFY(holdsNoMoreThanItsSize(path));
    // Lines pouring in: the file is allocated ahead of them.
    for (int i = 0; i < 8; ++i)
        recorder.record(textMessages(4096));
    QTRY_COMPARE(recorder.backlog(), 0);
    const qint64 size = QFileInfo(path).size();
    QVERIFY2(allocatedBytes(path) >= size + RecordingWriter::FlushBytes,
        qPrintable(
            QStringLiteral("%1 bytes allocated for %2").arg(allocatedBytes(path)).arg(size)));
    // Given back when the recording ends.
    QVERIFY(recorder.finish());
    QVERIFY2(holdsNoMoreThanItsSize(path),
        qPrintable(QStringLiteral("%1 bytes allocated for %2")
                       .arg(allocatedBytes(path))
                       .arg(QFileInfo(path).size())));
    RecordingReader reader;
    QVERIFY2(reader.read(path), qPrintable(reader.error()));
    QVERIFY(reader.problems().isEmpty());
    QCOMPARE(reader.eventCount(), qint64(3 + 8 * 4096));
}

void TestRecording::aFailedWriteCutsTheFileBackToItsLastCompleteLine()
{
    // A file size limit of 1 MiB stands in for a disk that fills up. The writer is driven here,
    // without its timer: lines pour in, so each write ends on a page boundary inside a line, and
    // the write that fails must not leave that half line behind.
    struct FileSizeLimit
    {
        rlimit saved = {};
        explicit FileSizeLimit(rlim_t bytes)
        {
            ::getrlimit(RLIMIT_FSIZE, &saved);
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit = {bytes, saved.rlim_max};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        }
        ~FileSizeLimit()
        {
            ::setrlimit(RLIMIT_FSIZE, &saved);
            ::signal(SIGXFSZ, SIG_DFL);
        }
    };
    const QString path = m_dir.filePath(QStringLiteral("limited.jsonl"));
    QString error;
    const QByteArray header = "{\"format\":1}\n";
    std::unique_ptr<QFile> file = RecordingWriter::create(path, header, &error);
    QVERIFY2(file, qPrintable(error));
    const FileSizeLimit limit(rlim_t(1024) * 1024);
    auto pending = std::make_shared<std::atomic<qint64>>(0);
    RecordingWriter writer(std::move(file), header.size(), SecretRedaction::Policy::Keep, pending);
    QSignalSpy failed(&writer, &RecordingWriter::failed);
    writer.write(textMessages(4096)); // ~0.5 MB of lines: written up to a page boundary
    QVERIFY(failed.isEmpty());
    QFile written(path);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.size() % RecordingWriter::PageBytes, 0);
    QVERIFY(!written.readAll().endsWith('\n')); // the last line goes on in the next write
    for (int i = 0; i < 3 && failed.isEmpty(); ++i)
        writer.write(textMessages(4096)); // past 1 MiB
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.first().first().toString().contains(QLatin1String("File too large")),
        qPrintable(failed.first().first().toString()));
    written.seek(0);
    const QByteArray content = written.readAll();
    QVERIFY(content.endsWith('\n'));
    QCOMPARE(content.count('\n'), content.count("\"timeUs\"") + 1);
}

void TestRecording::mockServerTimedServesTwoClientsAtOnce()
{
    // The server said hello, tick 1 after 100 ms and tick 2 after 200 ms.
    const QList<MockServer::Message> messages
        = {{0, true, false, "hello"}, {50, false, false, "client says hi"},
            {100'000, true, false, "tick 1"}, {200'000, true, true, QByteArray("\x01\x02", 2)}};
    MockServer server;
    QString error;
    QVERIFY2(server.listen(messages, MockServer::Mode::Timed, QHostAddress::LocalHost, 0, &error),
        qPrintable(error));
    QVERIFY(server.url().toString().startsWith(QLatin1String("ws://127.0.0.1:")));
    ConnectionHandle a(quietSettings(server.url()));
    ConnectionHandle b(quietSettings(server.url()));
    EventRecorder ra(&a);
    EventRecorder rb(&b);
    a.open();
    b.open();
    QTRY_COMPARE(server.clients().size(), 2);
    for (EventRecorder *r : {&ra, &rb}) {
        QTRY_COMPARE(
            r->count(Kind::Text, Direction::Incoming) + r->count(Kind::Binary, Direction::Incoming),
            3);
        const QList<TrafficEvent> texts = r->ofKind(Kind::Text);
        QCOMPARE(texts.at(0).text, QStringLiteral("hello"));
        QCOMPARE(texts.at(1).text, QStringLiteral("tick 1"));
        const qint64 gapUs = texts.at(1).timeUs - texts.at(0).timeUs;
        QVERIFY2(gapUs > 60'000 && gapUs < 200'000, qPrintable(QString::number(gapUs)));
        QCOMPARE(r->ofKind(Kind::Binary).constFirst().data, QByteArray("\x01\x02", 2));
    }
    a.requestClose(1000);
    QTRY_COMPARE(server.clients().size(), 1);
}

void TestRecording::mockServerReplyModeAnswersEachMessage()
{
    const QList<MockServer::Message> messages
        = {{0, true, false, "welcome"}, {10, false, false, "login"}, {20, true, false, "logged in"},
            {30, false, false, "list"}, {40, true, false, "item 1"}, {50, true, false, "item 2"}};
    MockServer server;
    QVERIFY(server.listen(messages, MockServer::Mode::Reply));
    ConnectionHandle a(quietSettings(server.url()));
    ConnectionHandle b(quietSettings(server.url()));
    EventRecorder ra(&a);
    EventRecorder rb(&b);
    a.open();
    b.open();
    QVERIFY(ra.waitForState(ConnectionState::Open));
    QVERIFY(rb.waitForState(ConnectionState::Open));
    QTRY_COMPARE(ra.count(Kind::Text, Direction::Incoming), 1); // the greeting comes unasked
    a.sendText(QStringLiteral("anything"));
    QTRY_COMPARE(ra.count(Kind::Text, Direction::Incoming), 2);
    QCOMPARE(ra.ofKind(Kind::Text).constLast().text, QStringLiteral("logged in"));
    a.sendText(QStringLiteral("more"));
    QTRY_COMPARE(ra.count(Kind::Text, Direction::Incoming), 4);
    QCOMPARE(ra.ofKind(Kind::Text).constLast().text, QStringLiteral("item 2"));
    // b is served on its own: it is still at the greeting.
    QTRY_COMPARE(rb.count(Kind::Text, Direction::Incoming), 1);
    b.sendText(QStringLiteral("x"));
    QTRY_COMPARE(rb.count(Kind::Text, Direction::Incoming), 2);
    QCOMPARE(rb.ofKind(Kind::Text).constLast().text, QStringLiteral("logged in"));
}

void TestRecording::everyConnectionCanBeRecordedIntoAFolder()
{
    TestServer server;
    const QString folder = m_dir.filePath(QStringLiteral("auto"));
    QVERIFY(QDir().mkpath(folder));
    ConnectionSettings s = quietSettings(server.url());
    s.recording.directory = folder;
    s.headers = {{"Authorization", "Bearer top-secret"}};
    // The window's recordings follow the one redaction policy too (issue 12).
    s.url.setUserInfo(QStringLiteral("user:PASSWORD"));
    s.url.setQuery(QStringLiteral("token=SECRET&room=1"));
    {
        ConnectionHandle connection(s);
        EventRecorder recorder(&connection);
        connection.open();
        QVERIFY(recorder.waitForState(ConnectionState::Open));
        connection.sendText(QStringLiteral("recorded"));
        QTRY_COMPARE(recorder.count(Kind::Text, Direction::Incoming), 1);
    } // shutting down finishes the file
    const QStringList files = QDir(folder).entryList({QStringLiteral("*.sockscope.jsonl")});
    QCOMPARE(files.size(), 1);
    RecordingReader reader;
    QVERIFY2(reader.read(QDir(folder).filePath(files.first())), qPrintable(reader.error()));
    QCOMPARE(
        messageSequence(reader, Direction::Incoming), QStringList {QStringLiteral("recorded")});
    QCOMPARE(reader.header().requestHeaders.first().value, QByteArray(RecordingFormat::Redacted));
    QFile raw(QDir(folder).filePath(files.first()));
    QVERIFY(raw.open(QIODevice::ReadOnly));
    const QByteArray bytes = raw.readAll();
    QVERIFY(!bytes.contains("top-secret"));
    QVERIFY2(!bytes.contains("PASSWORD") && !bytes.contains("SECRET"), bytes.constData());
    QVERIFY(bytes.contains("room=1"));
}

void TestRecording::aDiskThatFallsBehindIsReportedAndNothingIsLost()
{
    // A named pipe that nobody reads yet is a disk that stops keeping up: the writer blocks.
    const QString fifo = m_dir.filePath(QStringLiteral("slow-disk"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const int reader = ::open(QFile::encodeName(fifo).constData(), O_RDONLY | O_NONBLOCK);
    QVERIFY(reader >= 0);
    TestServer server;
    ConnectionHandle connection(quietSettings(server.url()));
    EventRecorder recorder(&connection);
    connection.startRecording(fifo);
    connection.open();
    QVERIFY(recorder.waitForState(ConnectionState::Open));
    const int messages = int(SessionRecorder::BacklogWarningEvents) + 100'000;
    connection.sendText(QStringLiteral("burst %1 16").arg(messages));
    auto noted = [&](Kind kind, const QString &part) {
        return std::any_of(recorder.events.cbegin(), recorder.events.cend(),
            [&](const TrafficEvent &e) { return e.kind == kind && e.text.contains(part); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(
        noted(Kind::Error, QStringLiteral("the disk is not keeping up")), 60000);
    // Drain the pipe: the recording catches up and every message is in it.
    QByteArray data;
    char buffer[1 << 16];
    auto drain = [&] {
        ssize_t n;
        while ((n = ::read(reader, buffer, sizeof(buffer))) > 0)
            data.append(buffer, n);
    };
    QTRY_VERIFY_WITH_TIMEOUT((drain(), noted(Kind::Note, QStringLiteral("caught up"))), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.count(Kind::Text, Direction::Incoming), messages, 60000);
    connection.stopRecording();
    QTRY_VERIFY_WITH_TIMEOUT(
        (drain(), noted(Kind::Note, QStringLiteral("events written to"))), 60000);
    drain();
    ::close(reader);
    QCOMPARE(data.count("\"direction\":\"in\",\"kind\":\"text\""), messages);
}

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
