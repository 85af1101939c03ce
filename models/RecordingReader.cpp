#include "RecordingReader.h"

#include "TrafficBatchBuilder.h"

#include <QBuffer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

using Kind = TrafficEvent::Kind;

namespace {

constexpr qint64 ChunkBytes = 4LL * 1024 * 1024;
// How much of a file that does not start with a header is looked at to say what it is instead.
constexpr qsizetype SniffBytes = 64LL * 1024 * 1024;

bool isBlank(QByteArrayView bytes)
{
    for (const char c : bytes) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return false;
    }
    return true;
}

QString megabytes(qsizetype bytes)
{
    return QStringLiteral("%1 MiB").arg(bytes / (1024.0 * 1024.0), 0, 'g', 4);
}

} // namespace

bool RecordingReader::read(
    const QString &path, const Progress &progress, const std::atomic<bool> *cancel)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_name = path;
        m_error = QStringLiteral("%1: cannot be opened: %2").arg(path, file.errorString());
        return false;
    }
    return readDevice(file, path, progress, cancel);
}

bool RecordingReader::readData(const QByteArray &data, const QString &name,
    const Progress &progress, const std::atomic<bool> *cancel)
{
    QByteArray copy = data; // shared, not copied
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    return readDevice(buffer, name, progress, cancel);
}

QStringList RecordingReader::problemLines() const
{
    QStringList lines;
    for (const Problem &p : m_problems)
        lines << QStringLiteral("%1:%2: %3").arg(m_name).arg(p.line).arg(p.message);
    return lines;
}

bool RecordingReader::fail(const QString &why)
{
    m_error = QStringLiteral("%1 is not a Sockscope recording: %2").arg(m_name, why);
    return false;
}

bool RecordingReader::readDevice(QIODevice &device, const QString &name, const Progress &progress,
    const std::atomic<bool> *cancel)
{
    m_name = name;
    m_error.clear();
    m_batches.clear();
    m_problems.clear();
    m_events = 0;
    m_header = {};
    const qint64 total = device.isSequential() ? 0 : device.size();
    TrafficBatchBuilder builder;
    m_builder = &builder;
    struct BuilderReset
    {
        RecordingReader *reader;
        ~BuilderReset() { reader->m_builder = nullptr; }
    } reset {this};

    QByteArray buffer; // the unread part: at most one line plus a chunk
    qint64 consumed = 0; // bytes of the file before buffer
    qint64 lineNumber = 0;
    qint64 nextProgress = 0;
    bool headerRead = false;
    bool skippingLongLine = false;
    bool sawContent = false;
    bool firstChunk = true;
    for (;;) {
        if (cancel && cancel->load()) {
            m_error = QStringLiteral("%1: reading was cancelled").arg(m_name);
            return false;
        }
        const QByteArray chunk = device.read(ChunkBytes);
        const bool atEnd = chunk.isEmpty();
        if (firstChunk && !atEnd && chunk.left(4096).contains('\0'))
            return fail(QStringLiteral("it is a binary file"));
        firstChunk = false;
        sawContent = sawContent || !isBlank(chunk);
        if (!atEnd && !sawContent)
            continue; // leading blank space: nothing to keep
        if (buffer.isEmpty())
            buffer = chunk;
        else
            buffer += chunk;

        qsizetype pos = 0;
        for (;;) {
            const qsizetype newline = buffer.indexOf('\n', pos);
            const bool complete = newline >= 0;
            if (!complete && !(atEnd && pos < buffer.size()))
                break;
            const qsizetype end = complete ? newline : buffer.size();
            if (skippingLongLine) { // the rest of a line already reported
                skippingLongLine = !complete;
                pos = end + 1;
                continue;
            }
            ++lineNumber;
            const QByteArrayView line = QByteArrayView(buffer).sliced(pos, end - pos);
            if (line.size() > m_maxLineBytes) {
                if (!skipLongLine(lineNumber, headerRead))
                    return false;
            } else if (!headerRead) {
                if (!sawContent)
                    return fail(QStringLiteral("the file is empty"));
                if (!readHeader(device, line.toByteArray(), buffer))
                    return false;
                headerRead = true;
            } else if (!isBlank(line)) {
                readEvent(line, lineNumber, complete);
            }
            pos = end + 1;
        }
        consumed += qMin(pos, buffer.size());
        buffer = pos >= buffer.size() ? QByteArray() : buffer.mid(pos);
        if (buffer.size() > m_maxLineBytes) { // no end in sight: report it and drop what is read
            if (!skipLongLine(++lineNumber, headerRead))
                return false;
            consumed += buffer.size();
            buffer.clear();
            skippingLongLine = true;
        }
        if (progress && (atEnd || consumed >= nextProgress)) {
            progress(consumed, total);
            nextProgress = consumed + 16 * ChunkBytes;
        }
        if (atEnd)
            break;
    }
    if (!sawContent)
        return fail(QStringLiteral("the file is empty"));
    if (!builder.isEmpty())
        m_batches.append(builder.take());
    if (m_events == 0 && !m_problems.isEmpty()) {
        m_error = QStringLiteral("%1: no event could be read (%2 malformed lines)")
                      .arg(m_name)
                      .arg(m_problems.size());
        return false;
    }
    return true;
}

bool RecordingReader::skipLongLine(qint64 lineNumber, bool headerRead)
{
    const QString limit = megabytes(m_maxLineBytes);
    if (!headerRead)
        return fail(QStringLiteral("its first line is longer than %1").arg(limit));
    m_problems.append(
        {lineNumber, QStringLiteral("the line is longer than %1: skipped").arg(limit)});
    return true;
}

bool RecordingReader::readHeader(QIODevice &device, const QByteArray &line, QByteArray &start)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.trimmed(), &parseError);
    QString why;
    if (parseError.error == QJsonParseError::NoError && document.isObject()) {
        QStringList warnings;
        if (RecordingFormat::parseHeader(document.object(), &m_header, &why, &warnings)) {
            for (const QString &warning : std::as_const(warnings))
                m_problems.append({1, warning});
            return true;
        }
        if (document.object().contains(QStringLiteral("log")))
            return fail(QStringLiteral(
                "it is a HAR file (convert it with 'sockscope convert FILE.har OUT.jsonl')"));
        return fail(why);
    }
    if (parseError.error == QJsonParseError::NoError)
        return fail(QStringLiteral(
            "its first line is JSON, but not an object (a recording starts with a header object)"));
    const QByteArray trimmed = start.left(4096).trimmed();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        // Perhaps one JSON document over many lines: look at a bounded part of it.
        while (start.size() < SniffBytes && !device.atEnd())
            start += device.read(qMin<qint64>(ChunkBytes, SniffBytes - start.size()));
        const QJsonDocument whole = QJsonDocument::fromJson(start);
        QByteArray compact = start.left(4096);
        compact.replace(' ', "").replace('\n', "").replace('\r', "").replace('\t', "");
        if ((whole.isObject() && whole.object().contains(QStringLiteral("log")))
            || compact.startsWith("{\"log\":"))
            return fail(QStringLiteral(
                "it is a HAR file (convert it with 'sockscope convert FILE.har OUT.jsonl')"));
        if (!whole.isNull())
            return fail(QStringLiteral("it is JSON, but not JSON Lines with a recording header"));
    }
    return fail(
        QStringLiteral("its first line is not a JSON object (%1)").arg(parseError.errorString()));
}

void RecordingReader::readEvent(QByteArrayView line, qint64 lineNumber, bool complete)
{
    RecordingFormat::EventFields fields;
    if (!RecordingFormat::scanEventLine(line, &fields)) {
        // Not written the way Sockscope writes: Qt's parser decides, and names what is wrong.
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(
            QByteArray::fromRawData(line.data(), line.size()), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            m_problems.append({lineNumber,
                !complete
                    ? QStringLiteral("the last line is cut off (the recording ended abruptly)")
                    : parseError.error != QJsonParseError::NoError
                    ? QStringLiteral("not a JSON object: %1").arg(parseError.errorString())
                    : QStringLiteral("not a JSON object")});
            return;
        }
        fields = {};
        RecordingFormat::fieldsFromObject(document.object(), &fields);
    }
    TrafficEvent event;
    QString why;
    if (!RecordingFormat::eventFromFields(fields, &event, &why, m_header.plainWireOmitted)) {
        m_problems.append({lineNumber, why});
        return;
    }
    event.wallMs = m_header.startWallMs + event.timeUs / 1000;
    // Pack the payload like the engine does, so the log stores it the same compact way.
    TrafficBatchBuilder &builder = *m_builder;
    const qsizetype bytes = event.hasPayload() ? event.size : 0;
    if (!builder.hasRoomFor(bytes))
        m_batches.append(builder.take());
    if (event.isMessage()) {
        TrafficEvent &e = builder.append(event.kind, event.direction, event.timeUs, event.wallMs);
        if (event.kind == Kind::Text) {
            const QByteArrayView utf8 = fields.strings[RecordingFormat::EventFields::Payload];
            builder.setRaw(e, utf8.data(), utf8.size());
        } else {
            builder.setBytes(e, event.data);
        }
        // How it was framed: the Frames tab shows it for an opened recording too.
        e.frames = event.frames;
        e.wireSize = event.wireSize;
        e.opcode = event.opcode;
        e.frameFlags = event.frameFlags;
        e.origin = event.origin;
    } else {
        builder.append(std::move(event));
    }
    ++m_events;
}
