#include "HttpHead.h"

namespace {

// A few bytes of what arrived, printable, for a message naming what is wrong.
QString sample(const QByteArray &bytes)
{
    QString out;
    const QByteArray start = bytes.left(40);
    for (const char c : start) {
        const auto u = uchar(c);
        if (u >= 0x20 && u < 0x7f)
            out += QLatin1Char(c);
        else
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    return out;
}

bool isTokenChar(char c)
{
    const auto u = uchar(c);
    if (u <= 0x20 || u >= 0x7f)
        return false;
    return !QByteArrayView("()<>@,;:\\\"/[]?={}").contains(c);
}

} // namespace

HttpHead::Status HttpHead::feed(const char *data, qsizetype size, qsizetype *consumed)
{
    *consumed = 0;
    if (m_complete)
        return Status::Complete;
    if (!m_error.isEmpty())
        return Status::Invalid;
    // Look for the end of the head in the new bytes, starting a little back in what we have, so
    // a CRLFCRLF split across reads is found.
    const qsizetype before = m_raw.size();
    const qsizetype take = qMin<qsizetype>(size, MaxSize + 4 - before);
    m_raw.append(data, take);
    const qsizetype from = qMax<qsizetype>(0, before - 3);
    const qsizetype end = m_raw.indexOf("\r\n\r\n", from);
    if (end < 0) {
        if (m_raw.size() > MaxSize) {
            m_error = QStringLiteral("the HTTP head is longer than %1 KiB").arg(MaxSize / 1024);
            return Status::Invalid;
        }
        *consumed = take;
        return Status::NeedMore;
    }
    const qsizetype headSize = end + 4;
    if (headSize > MaxSize) {
        m_error = QStringLiteral("the HTTP head is longer than %1 KiB").arg(MaxSize / 1024);
        return Status::Invalid;
    }
    *consumed = headSize - before;
    m_raw.truncate(headSize);
    if (!parse())
        return Status::Invalid;
    m_complete = true;
    return Status::Complete;
}

bool HttpHead::parse()
{
    const QList<QByteArray> lines = m_raw.left(m_raw.size() - 4).split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (!lines.at(i).endsWith('\r') && i + 1 < lines.size()) {
            m_error = QStringLiteral("line %1 of the HTTP head ends without CR LF").arg(i + 1);
            return false;
        }
    }
    const QByteArray startLine
        = lines.first().endsWith('\r') ? lines.first().chopped(1) : lines.first();
    const qsizetype sp1 = startLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : startLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0) {
        m_error = QStringLiteral("not an HTTP start line: \"%1\"").arg(sample(startLine));
        return false;
    }
    m_start[0] = startLine.left(sp1);
    m_start[1] = sp2 < 0 ? startLine.mid(sp1 + 1) : startLine.mid(sp1 + 1, sp2 - sp1 - 1);
    m_start[2] = sp2 < 0 ? QByteArray() : startLine.mid(sp2 + 1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith(' ') || line.startsWith('\t')) {
            m_error = QStringLiteral("obsolete folded header line %1").arg(i + 1);
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            m_error = QStringLiteral("header line %1 is not \"Name: value\": \"%2\"")
                          .arg(i + 1)
                          .arg(sample(line));
            return false;
        }
        Field f {line.left(colon), line.mid(colon + 1).trimmed()};
        for (const char c : std::as_const(f.name)) {
            if (!isTokenChar(c)) {
                m_error = QStringLiteral("header line %1 has an invalid name: \"%2\"")
                              .arg(i + 1)
                              .arg(sample(f.name));
                return false;
            }
        }
        for (const char c : std::as_const(f.value)) {
            if ((uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f) {
                m_error = QStringLiteral("header %1 holds a control character")
                              .arg(QString::fromLatin1(f.name));
                return false;
            }
        }
        m_fields.append(f);
        if (m_fields.size() > MaxFields) {
            m_error = QStringLiteral("more than %1 header fields").arg(MaxFields);
            return false;
        }
    }
    return true;
}

QByteArray HttpHead::value(const QByteArray &name) const
{
    QByteArray joined;
    for (const Field &f : m_fields) {
        if (f.name.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (!joined.isEmpty())
            joined += ", ";
        joined += f.value;
    }
    return joined;
}

bool HttpHead::has(const QByteArray &name) const
{
    return count(name) > 0;
}

int HttpHead::count(const QByteArray &name) const
{
    int n = 0;
    for (const Field &f : m_fields)
        n += f.name.compare(name, Qt::CaseInsensitive) == 0;
    return n;
}

bool HttpHead::hasToken(const QByteArray &name, const QByteArray &token) const
{
    for (const QByteArray &t : value(name).split(',')) {
        if (t.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}
