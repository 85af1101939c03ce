#include "ScriptSource.h"

#include "BoundedFile.h"

#include <QStringDecoder>

bool ScriptSource::read(const QString &path, ScriptSource *source, QString *error)
{
    QByteArray bytes;
    if (!BoundedFile::read(path, MaxCodeBytes, QStringLiteral("the script"), &bytes, error))
        return false;
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString code = utf8.decode(bytes);
    if (utf8.hasError()) {
        *error = QStringLiteral("the script %1 is not UTF-8 text").arg(path);
        return false;
    }
    *source = {path, code, DefaultBudgetMs};
    return true;
}
