#include "Units.h"

namespace Units {

QString duration(qint64 us)
{
    const qint64 magnitude = qAbs(us);
    if (magnitude < 1000)
        return QStringLiteral("%1 \u00b5s").arg(us);
    if (magnitude < 10'000)
        return QStringLiteral("%1 ms").arg(us / 1000.0, 0, 'f', 2);
    if (magnitude < 1'000'000)
        return QStringLiteral("%1 ms").arg(us / 1000.0, 0, 'f', 1);
    if (magnitude < 60'000'000)
        return QStringLiteral("%1 s").arg(us / 1e6, 0, 'f', magnitude < 10'000'000 ? 2 : 1);
    const qint64 s = us / 1'000'000;
    if (magnitude < 3600'000'000LL)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(qAbs(s % 60));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg(qAbs((s / 60) % 60));
}

QString clock(qint64 us)
{
    const qint64 s = qMax<qint64>(0, us) / 1'000'000;
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600, 2, 10, QLatin1Char('0'))
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString joinFacts(const QStringList &facts, const QString &separator)
{
    QStringList whole;
    whole.reserve(facts.size());
    for (const QString &fact : facts)
        whole << QString(fact).replace(QLatin1Char(' '), QChar(0x00a0));
    return whole.join(separator);
}

} // namespace Units
