// How `connect` reads what is piped or typed into it: line by line wherever the reads split the
// input, "\r\n" or "\n", the last line without its newline, and a line past the limit skipped
// without holding it, at the limit's exact edge too. A pipe stands in for standard input.
#include "StdinLineReader.h"

#include <QTest>
#include <QTimer>

#include <atomic>
#include <thread>

#include <sys/ioctl.h>
#include <unistd.h>

namespace {

// A pipe whose read end a StdinLineReader reads; the test writes into the other end.
class InputPipe
{
public:
    InputPipe() { m_ok = ::pipe(m_fds) == 0; }
    ~InputPipe()
    {
        closeWriteEnd();
        if (m_fds[0] >= 0)
            ::close(m_fds[0]);
    }
    bool isOk() const { return m_ok; }
    int readEnd() const { return m_fds[0]; }
    // Writes all of bytes, blocking while the pipe is full (call from a thread of its own for
    // more than the pipe holds).
    bool write(QByteArrayView bytes)
    {
        const char *p = bytes.data();
        qsizetype left = bytes.size();
        while (left > 0) {
            const ssize_t n = ::write(m_fds[1], p, size_t(left));
            if (n <= 0)
                return false;
            p += n;
            left -= n;
        }
        return true;
    }
    // Bytes written and not read yet.
    int bytesWaiting() const
    {
        int bytes = -1;
        ::ioctl(m_fds[0], FIONREAD, &bytes);
        return bytes;
    }
    void closeWriteEnd()
    {
        if (m_fds[1] >= 0)
            ::close(m_fds[1]);
        m_fds[1] = -1;
    }

private:
    int m_fds[2] = {-1, -1};
    bool m_ok = false;
};

// What the reader said, in order: each line's size and its first bytes, skips and the end.
struct ReaderLog
{
    explicit ReaderLog(StdinLineReader *reader)
    {
        QObject::connect(reader, &StdinLineReader::lineRead, reader, [this](const QString &line) {
            // A 64 MiB line is not kept whole: its size and start say enough.
            said.append(QStringLiteral("line %1 %2").arg(line.size()).arg(line.left(16)));
        });
        QObject::connect(reader, &StdinLineReader::lineSkipped, reader,
            [this] { said.append(QStringLiteral("skipped")); });
        QObject::connect(reader, &StdinLineReader::endOfInput, reader, [this] { ended = true; });
    }
    QStringList said;
    bool ended = false;
};

} // namespace

class TestStdinLineReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void linesComeWholeWhereverTheReadsSplit();
    void theLongestLineIsKeptAndOneByteMoreIsSkipped_data();
    void theLongestLineIsKeptAndOneByteMoreIsSkipped();
    void endlessInputNeverHoldsTheLoop();
};

void TestStdinLineReader::linesComeWholeWhereverTheReadsSplit()
{
    const QByteArray input = "one\r\ntwo\n\nthree";
    for (qsizetype at = 0; at <= input.size(); ++at) {
        InputPipe pipe;
        QVERIFY(pipe.isOk());
        StdinLineReader reader(pipe.readEnd(), nullptr);
        ReaderLog log(&reader);
        reader.start();
        QVERIFY(pipe.write(input.left(at)));
        // The first part is read on its own before the rest is written.
        QTRY_COMPARE(pipe.bytesWaiting(), 0);
        QCOMPARE(log.said.size(), int(input.left(at).count('\n')));
        QVERIFY(pipe.write(input.mid(at)));
        pipe.closeWriteEnd();
        QTRY_VERIFY(log.ended);
        QCOMPARE(log.said,
            QStringList({QStringLiteral("line 3 one"), QStringLiteral("line 3 two"),
                QStringLiteral("line 0 "), QStringLiteral("line 5 three")}));
    }
}

void TestStdinLineReader::theLongestLineIsKeptAndOneByteMoreIsSkipped_data()
{
    QTest::addColumn<qsizetype>("length");
    QTest::addColumn<QByteArray>("ending");
    QTest::addColumn<bool>("kept");
    const qsizetype max = StdinLineReader::MaxLineBytes;
    QTest::newRow("the limit, \\n") << max << QByteArray("\n") << true;
    QTest::newRow("the limit, \\r\\n") << max << QByteArray("\r\n") << true;
    QTest::newRow("the limit, at the end") << max << QByteArray() << true;
    QTest::newRow("one more, \\n") << max + 1 << QByteArray("\n") << false;
    QTest::newRow("one more, \\r\\n") << max + 1 << QByteArray("\r\n") << false;
    QTest::newRow("one more, at the end") << max + 1 << QByteArray() << false;
}

void TestStdinLineReader::theLongestLineIsKeptAndOneByteMoreIsSkipped()
{
    QFETCH(qsizetype, length);
    QFETCH(QByteArray, ending);
    QFETCH(bool, kept);
    InputPipe pipe;
    QVERIFY(pipe.isOk());
    StdinLineReader reader(pipe.readEnd(), nullptr);
    ReaderLog log(&reader);
    reader.start();
    // More than a pipe holds: written from a thread of its own while the reader reads.
    std::thread writer([&pipe, length, ending] {
        pipe.write("before\n");
        const QByteArray block(1024LL * 1024, 'x');
        for (qsizetype left = length; left > 0; left -= block.size())
            pipe.write(QByteArrayView(block).first(qMin(left, block.size())));
        if (!ending.isEmpty())
            pipe.write(ending + "after\n");
        pipe.closeWriteEnd();
    });
    QTRY_VERIFY_WITH_TIMEOUT(log.ended, 60000);
    writer.join();
    QStringList expected = {QStringLiteral("line 6 before"),
        kept ? QStringLiteral("line %1 xxxxxxxxxxxxxxxx").arg(length) : QStringLiteral("skipped")};
    if (!ending.isEmpty())
        expected.append(QStringLiteral("line 5 after"));
    QCOMPARE(log.said, expected);
}

void TestStdinLineReader::endlessInputNeverHoldsTheLoop()
{
    // A writer that never stops and never ends a line: the reader skips the line once, and a
    // timer of the same thread keeps firing while it reads.
    InputPipe pipe;
    QVERIFY(pipe.isOk());
    StdinLineReader reader(pipe.readEnd(), nullptr);
    ReaderLog log(&reader);
    reader.start();
    std::atomic<bool> stop = false;
    std::atomic<bool> stopped = false;
    std::thread writer([&pipe, &stop, &stopped] {
        const QByteArray block(64LL * 1024, 'z');
        while (!stop && pipe.write(block)) { }
        stopped = true;
    });
    QTimer ticks;
    int ticked = 0;
    connect(&ticks, &QTimer::timeout, this, [&ticked] { ++ticked; });
    ticks.start(10);
    QTRY_VERIFY_WITH_TIMEOUT(log.said.contains(QStringLiteral("skipped")), 30000);
    const int before = ticked;
    QTRY_VERIFY(ticked >= before + 5);
    stop = true;
    QTRY_VERIFY(stopped); // the reader drains what the writer's last write left
    writer.join();
    pipe.closeWriteEnd();
    QTRY_VERIFY(log.ended);
    QCOMPARE(log.said, QStringList {QStringLiteral("skipped")});
}

QTEST_GUILESS_MAIN(TestStdinLineReader)
#include "tst_stdinlinereader.moc"
