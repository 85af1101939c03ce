// Sockscope, a desktop WebSocket inspector.
// SPDX-License-Identifier: GPL-3.0-or-later

#include "CommandLine.h"
#include "Version.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sockscope"));
    QCoreApplication::setOrganizationName(QStringLiteral("Sockscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOCKSCOPE_VERSION));
    return CommandLine::run(app.arguments());
}
