#pragma once

#include <QString>

// The JavaScript side of the script API (log, test, expect, DROP, ctx and the msg object),
// evaluated in each script's engine before the script itself. It is a function of the native
// bridge, so the bridge stays out of the script's reach.
namespace ScriptPrelude {

// The file name the prelude is evaluated under; frames from it are skipped when a line is named.
inline const QString &fileName()
{
    static const QString name = QStringLiteral("sockscope-prelude");
    return name;
}
// The file name a user's script is evaluated under (its own name is the host's to report).
inline const QString &scriptFileName()
{
    static const QString name = QStringLiteral("sockscope-script");
    return name;
}
const QString &source();

} // namespace ScriptPrelude
