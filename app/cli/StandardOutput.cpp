#include "StandardOutput.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace StandardOutput {

bool write(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    return std::fflush(stdout) == 0 && !std::ferror(stdout);
}

bool readerWentAway(int error)
{
    return error == EPIPE;
}

QString failureText(int error)
{
    return readerWentAway(error) ? QStringLiteral("* standard output was closed: ending")
                                 : QStringLiteral("! cannot write to standard output (%1): ending")
                                       .arg(QString::fromLocal8Bit(std::strerror(error)));
}

} // namespace StandardOutput
