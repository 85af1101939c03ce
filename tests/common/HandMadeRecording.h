#pragma once

#include "RecordingFormat.h"

#include <QFile>
#include <QList>
#include <QPair>

// A recording file as a test or a benchmark writes it by hand: an open event, then each client
// message answered by the server message paired with it, gapUs apart (the answer a third of the
// gap after its question).
namespace HandMade {

inline QByteArray conversation(
    const QUrl &url, const QList<QPair<QString, QString>> &exchanges, qint64 gapUs = 20000)
{
    RecordingHeader header;
    header.app = QStringLiteral("test");
    header.url = url;
    header.startWallMs = 1'795'000'000'000;
    TrafficBatch batch;
    TrafficEvent open;
    open.kind = TrafficEvent::Kind::Open;
    open.timeUs = 100;
    batch.events << open;
    for (qsizetype i = 0; i < exchanges.size(); ++i) {
        for (auto d : {TrafficEvent::Direction::Outgoing, TrafficEvent::Direction::Incoming}) {
            TrafficEvent e;
            e.kind = TrafficEvent::Kind::Text;
            e.direction = d;
            const bool answer = d == TrafficEvent::Direction::Incoming;
            e.timeUs = 1000 + i * gapUs + (answer ? gapUs / 3 : 0);
            e.text = answer ? exchanges.at(i).second : exchanges.at(i).first;
            e.size = utf8Size(e.text);
            batch.events << e;
        }
    }
    QByteArray file = RecordingFormat::headerLine(header);
    RecordingFormat::appendEventLines(batch, file);
    return file;
}

inline bool writeFile(const QString &path, const QByteArray &content)
{
    QFile out(path);
    return out.open(QIODevice::WriteOnly) && out.write(content) == content.size();
}

} // namespace HandMade
