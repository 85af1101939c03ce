#include "RecordingReader.h"

#include "TrafficBatchBuilder.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

using Kind = TrafficEvent::Kind;

bool RecordingReader::read(
    const QString &path, const Progress &progress, const std::atomic<bool> *cancel)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_name = path;
        m_error = QStringLiteral("%1: cannot be opened: %2").arg(path, file.errorString());
        return false;
    }
    return readData(file.readAll(), path, progress, cancel);
}

QStringList RecordingReader::problemLines() const
{
    QStringList lines;
    for (const Problem &p : m_problems)
        lines << QStringLiteral("%1:%2: %3").arg(m_name).arg(p.line).arg(p.message);
    return lines;
}

bool RecordingReader::readData(const QByteArray &data, const QString &name,
    const Progress &progress, const std::atomic<bool> *cancel)
{
    m_name = name;
    m_batches.clear();
    m_problems.clear();
    m_events = 0;
    auto fail = [this](const QString &why) {
        m_error = QStringLiteral("%1 is not a Sockscope recording: %2").arg(m_name, why);
        return false;
    };
    if (data.trimmed().isEmpty())
        return fail(QStringLiteral("the file is empty"));
    if (data.left(4096).contains('\0'))
        return fail(QStringLiteral("it is a binary file"));

    qsizetype lineEnd = data.indexOf('\n');
    const QByteArray first = data.left(lineEnd < 0 ? data.size() : lineEnd).trimmed();
    QJsonParseError parseError;
    const QJsonDocument headerDocument = QJsonDocument::fromJson(first, &parseError);
    if (parseError.error != QJsonParseError::NoError || !headerDocument.isObject()) {
        if (data.trimmed().startsWith('{') && QJsonDocument::fromJson(data).isObject())
            return fail(QJsonDocument::fromJson(data).object().contains(QStringLiteral("log"))
                    ? QStringLiteral(
                        "it is a HAR file (convert it with 'sockscope convert FILE.har OUT.jsonl')")
                    : QStringLiteral("it is JSON, but not JSON Lines with a recording header"));
        return fail(QStringLiteral("its first line is not a JSON object (%1)")
                        .arg(parseError.errorString()));
    }
    QString why;
    if (!RecordingFormat::parseHeader(headerDocument.object(), &m_header, &why))
        return fail(why);

    TrafficBatchBuilder builder;
    qint64 lineNumber = 1;
    qsizetype start = lineEnd < 0 ? data.size() : lineEnd + 1;
    while (start < data.size()) {
        if (cancel && cancel->load()) {
            m_error = QStringLiteral("%1: reading was cancelled").arg(m_name);
            return false;
        }
        ++lineNumber;
        lineEnd = data.indexOf('\n', start);
        const bool complete = lineEnd >= 0;
        const qsizetype end = complete ? lineEnd : data.size();
        const QByteArray line = QByteArray::fromRawData(data.constData() + start, end - start);
        start = end + 1;
        if (line.trimmed().isEmpty())
            continue;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        TrafficEvent event;
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            m_problems.append({lineNumber,
                complete
                    ? QStringLiteral("not a JSON object: %1").arg(parseError.errorString())
                    : QStringLiteral("the last line is cut off (the recording ended abruptly)")});
            continue;
        }
        if (!RecordingFormat::parseEvent(document.object(), &event, &why)) {
            m_problems.append({lineNumber, why});
            continue;
        }
        event.wallMs = m_header.startWallMs + event.timeUs / 1000;
        // Pack the payload like the engine does, so the log stores it the same compact way.
        const qsizetype bytes
            = event.kind == Kind::Text ? event.text.size() * 3 : event.data.size();
        if (!builder.hasRoomFor(event.hasPayload() ? bytes : 0))
            m_batches.append(builder.take());
        if (event.kind == Kind::Text) {
            const QString text = std::exchange(event.text, {});
            TrafficEvent &e
                = builder.append(event.kind, event.direction, event.timeUs, event.wallMs);
            builder.setText(e, text);
        } else if (event.isMessage()) {
            const QByteArray payload = std::exchange(event.data, {});
            TrafficEvent &e
                = builder.append(event.kind, event.direction, event.timeUs, event.wallMs);
            builder.setBytes(e, payload);
        } else {
            builder.append(std::move(event));
        }
        ++m_events;
        if (progress && (m_events & 0xffff) == 0)
            progress(start, data.size());
    }
    if (!builder.isEmpty())
        m_batches.append(builder.take());
    if (progress)
        progress(data.size(), data.size());
    if (m_events == 0 && !m_problems.isEmpty()) {
        m_error = QStringLiteral("%1: no event could be read (%2 malformed lines)")
                      .arg(m_name)
                      .arg(m_problems.size());
        return false;
    }
    return true;
}
