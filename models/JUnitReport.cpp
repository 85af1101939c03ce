#include "JUnitReport.h"

#include <algorithm>

#include <QSaveFile>
#include <QSysInfo>
#include <QXmlStreamWriter>

namespace {

QString formatSeconds(double seconds)
{
    return QString::number(qMax(0.0, seconds), 'f', 3);
}

bool allowedInXml(char32_t c)
{
    // XML 1.0 Char production.
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

const char *outcomeElement(JUnitReport::Outcome outcome)
{
    switch (outcome) {
    case JUnitReport::Outcome::Failed:
        return "failure";
    case JUnitReport::Outcome::Error:
        return "error";
    case JUnitReport::Outcome::Skipped:
        return "skipped";
    case JUnitReport::Outcome::Passed:
        break;
    }
    return nullptr;
}

} // namespace

int JUnitReport::Suite::count(Outcome outcome) const
{
    return int(std::count_if(cases.cbegin(), cases.cend(),
        [outcome](const TestCase &c) { return c.outcome == outcome; }));
}

double JUnitReport::Suite::totalSeconds() const
{
    if (seconds >= 0)
        return seconds;
    double sum = 0;
    for (const TestCase &c : cases)
        sum += c.seconds;
    return sum;
}

JUnitReport::Suite &JUnitReport::addSuite(const QString &name)
{
    m_suites.append(Suite {});
    m_suites.last().name = name;
    return m_suites.last();
}

bool JUnitReport::hasFailures() const
{
    return std::any_of(m_suites.cbegin(), m_suites.cend(),
        [](const Suite &s) { return s.count(Outcome::Failed) + s.count(Outcome::Error) > 0; });
}

QString JUnitReport::xmlSafe(const QString &text)
{
    QString out;
    out.reserve(text.size());
    const QList<uint> codePoints = text.toUcs4(); // lone surrogates become U+FFFD
    for (uint c : codePoints) {
        if (allowedInXml(char32_t(c)))
            out.append(QString::fromUcs4(reinterpret_cast<const char32_t *>(&c), 1));
        else if (c < 0x100)
            out.append(QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0')));
        else
            out.append(QStringLiteral("\\u%1").arg(c, 4, 16, QLatin1Char('0')));
    }
    return out;
}

QByteArray JUnitReport::toXml() const
{
    QByteArray xml;
    QXmlStreamWriter w(&xml);
    w.setAutoFormatting(true);
    w.setAutoFormattingIndent(2);
    w.writeStartDocument();
    const auto attribute = [&w](const char *name, const QString &value) {
        w.writeAttribute(QLatin1String(name), xmlSafe(value));
    };
    const auto textElement = [&w](const char *name, const QString &text) {
        w.writeTextElement(QLatin1String(name), xmlSafe(text));
    };

    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    for (const Suite &s : m_suites) {
        tests += int(s.cases.size());
        failures += s.count(Outcome::Failed);
        errors += s.count(Outcome::Error);
        skipped += s.count(Outcome::Skipped);
        seconds += s.totalSeconds();
    }
    w.writeStartElement(QStringLiteral("testsuites"));
    attribute("tests", QString::number(tests));
    attribute("failures", QString::number(failures));
    attribute("errors", QString::number(errors));
    attribute("skipped", QString::number(skipped));
    attribute("time", formatSeconds(seconds));

    const QString localHost = QSysInfo::machineHostName();
    for (qsizetype i = 0; i < m_suites.size(); ++i) {
        const Suite &s = m_suites.at(i);
        const QDateTime started
            = s.timestamp.isValid() ? s.timestamp : QDateTime::currentDateTimeUtc();
        w.writeStartElement(QStringLiteral("testsuite"));
        attribute("name", s.name);
        attribute("package", s.package.isEmpty() ? s.name : s.package);
        attribute("id", QString::number(i));
        attribute("tests", QString::number(s.cases.size()));
        attribute("failures", QString::number(s.count(Outcome::Failed)));
        attribute("errors", QString::number(s.count(Outcome::Error)));
        attribute("skipped", QString::number(s.count(Outcome::Skipped)));
        attribute("time", formatSeconds(s.totalSeconds()));
        // The schema's timestamp is ISO 8601 without a zone.
        attribute("timestamp", started.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")));
        attribute("hostname", s.hostname.isEmpty() ? localHost : s.hostname);

        w.writeStartElement(QStringLiteral("properties"));
        for (const auto &property : s.properties) {
            w.writeEmptyElement(QStringLiteral("property"));
            attribute("name", property.first);
            attribute("value", property.second);
        }
        w.writeEndElement();

        for (const TestCase &c : s.cases) {
            w.writeStartElement(QStringLiteral("testcase"));
            attribute("name", c.name);
            attribute("classname", c.className.isEmpty() ? s.name : c.className);
            attribute("time", formatSeconds(c.seconds));
            if (const char *element = outcomeElement(c.outcome)) {
                w.writeStartElement(QLatin1String(element));
                attribute("message", c.message);
                if (c.outcome != Outcome::Skipped) {
                    attribute("type", c.type.isEmpty() ? QLatin1String(element) : c.type);
                    if (!c.details.isEmpty())
                        w.writeCharacters(xmlSafe(c.details));
                }
                w.writeEndElement();
            }
            if (!c.systemOut.isEmpty())
                textElement("system-out", c.systemOut);
            if (!c.systemErr.isEmpty())
                textElement("system-err", c.systemErr);
            w.writeEndElement();
        }
        textElement("system-out", s.systemOut);
        textElement("system-err", s.systemErr);
        w.writeEndElement();
    }
    w.writeEndElement();
    w.writeEndDocument();
    return xml;
}

bool JUnitReport::writeFile(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(toXml());
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}
