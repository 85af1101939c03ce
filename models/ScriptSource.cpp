#include "ScriptSource.h"

#include <QFile>
#include <QStringDecoder>

bool ScriptSource::read(const QString &path, ScriptSource *source, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the script %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > MaxCodeBytes) {
        *error = QStringLiteral("the script %1 is larger than %2 MiB").arg(path).arg(MaxCodeMiB);
        return false;
    }
    const QByteArray bytes = file.read(MaxCodeBytes + 1);
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString code = utf8.decode(bytes);
    if (utf8.hasError()) {
        *error = QStringLiteral("the script %1 is not UTF-8 text").arg(path);
        return false;
    }
    *source = {path, code, DefaultBudgetMs};
    return true;
}
