#include "CloseCode.h"

namespace CloseCode {

bool isSendable(int code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011)
        || (code >= 3000 && code <= 4999);
}

QString name(int code)
{
    switch (code) {
    case Normal:
        return QStringLiteral("normal closure");
    case GoingAway:
        return QStringLiteral("going away");
    case ProtocolError:
        return QStringLiteral("protocol error");
    case UnsupportedData:
        return QStringLiteral("unsupported data");
    case NoStatus:
        return QStringLiteral("no status code");
    case Abnormal:
        return QStringLiteral("abnormal closure");
    case InvalidPayload:
        return QStringLiteral("invalid payload");
    case PolicyViolation:
        return QStringLiteral("policy violation");
    case TooBig:
        return QStringLiteral("message too big");
    case MandatoryExtension:
        return QStringLiteral("extension required");
    case InternalError:
        return QStringLiteral("internal error");
    case TlsHandshake:
        return QStringLiteral("TLS handshake failure");
    default:
        return {};
    }
}

QString describe(int code)
{
    const QString n = name(code);
    return n.isEmpty() ? QString::number(code) : QStringLiteral("%1 (%2)").arg(code).arg(n);
}

QString truncateReason(const QString &reason)
{
    constexpr int MaxReasonBytes = 123;
    QByteArray utf8 = reason.toUtf8();
    if (utf8.size() <= MaxReasonBytes)
        return reason;
    int cut = MaxReasonBytes;
    while (cut > 0 && (uchar(utf8.at(cut)) & 0xC0) == 0x80) // don't split a multi-byte sequence
        --cut;
    return QString::fromUtf8(utf8.left(cut));
}

} // namespace CloseCode
