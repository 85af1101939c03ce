#include "ShowCommand.h"

#include "ExitStatus.h"
#include "MessageLogModel.h"
#include "MessagePrinter.h"
#include "RecordingInput.h"
#include "RecordingReader.h"
#include "TerminalText.h"

#include <QDateTime>
#include <QMap>

#include <cstdio>

namespace ShowCommand {

namespace {
void print(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}
} // namespace

int run(const QString &path, bool messages, bool raw)
{
    RecordingReader reader;
    if (!RecordingInput::read(path, &reader))
        return ExitStatus::ConnectFailed;
    using Kind = TrafficEvent::Kind;
    using Direction = TrafficEvent::Direction;
    QMap<QString, QPair<qint64, qint64>> byKind; // kind -> (in, out/local)
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 firstUs = -1;
    qint64 lastUs = 0;
    QString subprotocol = reader.header().subprotocol;
    QByteArray listing;
    MessagePrinter::Options printing;
    printing.showPings = true;
    printing.showSent = true;
    printing.raw = raw;
    const MessagePrinter printer(printing);
    for (const TrafficBatch &batch : reader.batches()) {
        for (const TrafficEvent &e : batch.events) {
            if (firstUs < 0)
                firstUs = e.timeUs;
            lastUs = e.timeUs;
            auto &count = byKind[TrafficEvent::kindName(e.kind)];
            (e.direction == Direction::Incoming ? count.first : count.second)++;
            if (e.isMessage())
                (e.direction == Direction::Incoming ? bytesIn : bytesOut) += e.size;
            if (e.kind == Kind::Open && subprotocol.isEmpty())
                subprotocol = e.text;
            if (messages) {
                const QByteArray line = printer.line(batch, e);
                if (!line.isEmpty())
                    listing += QByteArray::number(e.timeUs / 1e6, 'f', 6).rightJustified(14) + "  "
                        + line;
            }
        }
    }
    const RecordingHeader &h = reader.header();
    QString summary;
    summary
        += QStringLiteral("File:         %1\n").arg(QString::fromUtf8(TerminalText::escaped(path)));
    summary += QStringLiteral("URL:          %1\n")
                   .arg(QString::fromUtf8(TerminalText::escaped(h.url.toString())));
    summary
        += QStringLiteral("Recorded:     %1 by %2\n")
               .arg(h.startWallMs <= 0 ? QStringLiteral("at an unknown time")
                                       : QDateTime::fromMSecsSinceEpoch(h.startWallMs, Qt::UTC)
                                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")),
                   h.app.isEmpty() ? QStringLiteral("an unknown program")
                                   : QString::fromUtf8(TerminalText::escaped(h.app)));
    summary += QStringLiteral("Duration:     %1 s\n")
                   .arg(firstUs < 0 ? 0.0 : (lastUs - firstUs) / 1e6, 0, 'f', 3);
    if (!subprotocol.isEmpty())
        summary += QStringLiteral("Subprotocol:  %1\n")
                       .arg(QString::fromUtf8(TerminalText::escaped(subprotocol)));
    summary += QStringLiteral("Events:       %1\n").arg(reader.eventCount());
    for (auto it = byKind.cbegin(); it != byKind.cend(); ++it)
        summary += QStringLiteral("  %1 %2 in, %3 out or local\n")
                       .arg(it.key(), -13)
                       .arg(it->first)
                       .arg(it->second);
    summary
        += QStringLiteral("Bytes:        %1 in, %2 out\n")
               .arg(MessageLogModel::formatSize(bytesIn), MessageLogModel::formatSize(bytesOut));
    if (!reader.problems().isEmpty())
        summary += QStringLiteral("Skipped:      %1 malformed lines (listed on stderr)\n")
                       .arg(reader.problems().size());
    print(stdout, summary.toUtf8());
    if (messages)
        print(stdout, "\n" + listing);
    return ExitStatus::Ok;
}

} // namespace ShowCommand
