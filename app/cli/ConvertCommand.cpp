#include "ConvertCommand.h"

#include "ExitStatus.h"
#include "HarFormat.h"
#include "RecordingInput.h"
#include "RecordingReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>

namespace ConvertCommand {

namespace {

void say(FILE *stream, const QString &line)
{
    const QByteArray bytes = line.toLocal8Bit() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

bool isHar(const QString &path)
{
    return QFileInfo(path).suffix().compare(QLatin1String("har"), Qt::CaseInsensitive) == 0;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit())
        return true;
    say(stderr, QStringLiteral("sockscope: cannot write %1: %2").arg(path, file.errorString()));
    return false;
}

// OUT, OUT-2.jsonl, OUT-3.jsonl, ... for several sessions.
QString numbered(const QString &path, int index)
{
    if (index == 0)
        return path;
    const QFileInfo info(path);
    const QString base = info.completeBaseName();
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    return info.dir().filePath(QStringLiteral("%1-%2%3").arg(base).arg(index + 1).arg(suffix));
}

int harToRecordings(const QString &input, const QString &output)
{
    QFile file(input);
    if (!file.open(QIODevice::ReadOnly)) {
        say(stderr, QStringLiteral("sockscope: %1: %2").arg(input, file.errorString()));
        return ExitStatus::ConnectFailed;
    }
    const HarFormat::ImportResult har = HarFormat::import(file.readAll());
    if (!har.error.isEmpty()) {
        say(stderr, QStringLiteral("sockscope: %1 is %2").arg(input, har.error));
        return ExitStatus::ConnectFailed;
    }
    if (har.skippedEntries > 0)
        say(stderr,
            QStringLiteral("%1: skipped %2 entries that are not WebSocket sessions")
                .arg(input)
                .arg(har.skippedEntries));
    if (har.sessions.isEmpty()) {
        say(stderr, QStringLiteral("sockscope: %1 holds no WebSocket session").arg(input));
        return ExitStatus::ConnectFailed;
    }
    for (int i = 0; i < har.sessions.size(); ++i) {
        const HarFormat::Session &session = har.sessions.at(i);
        QByteArray bytes = RecordingFormat::headerLine(session.header);
        RecordingFormat::appendEventLines(session.events, bytes);
        const QString path = numbered(output, i);
        if (!writeFile(path, bytes))
            return ExitStatus::ConnectFailed;
        say(stdout,
            QStringLiteral("%1: %2 messages from %3")
                .arg(path)
                .arg(session.events.events.size())
                .arg(session.header.url.toString()));
    }
    return ExitStatus::Ok;
}

int recordingToHar(const QString &input, const QString &output, bool keepSecrets)
{
    RecordingReader reader;
    if (!RecordingInput::read(input, &reader))
        return ExitStatus::ConnectFailed;
    HarFormat::Session session;
    session.header = reader.header();
    for (const TrafficBatch &batch : reader.batches())
        session.events.events += batch.materialized();
    if (!writeFile(output, HarFormat::exportSessions({session}, keepSecrets)))
        return ExitStatus::ConnectFailed;
    say(stdout,
        QStringLiteral("%1: 1 WebSocket session, %2 events").arg(output).arg(reader.eventCount()));
    return ExitStatus::Ok;
}

} // namespace

int run(const QString &input, const QString &output, bool keepSecrets)
{
    if (isHar(input) && !isHar(output))
        return harToRecordings(input, output);
    if (!isHar(input) && isHar(output))
        return recordingToHar(input, output, keepSecrets);
    say(stderr,
        QStringLiteral("sockscope: convert turns a .har file into a recording or a recording into "
                       "a .har file"));
    return ExitStatus::Usage;
}

} // namespace ConvertCommand
