#include "SavedMessages.h"

#include <QSettings>

SavedMessages::SavedMessages(QObject *parent) : QObject(parent)
{
    QSettings settings;
    const int n = settings.beginReadArray(QStringLiteral("savedMessages"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        m_entries.append({settings.value(QStringLiteral("name")).toString(),
            settings.value(QStringLiteral("mode")).toInt(),
            settings.value(QStringLiteral("content")).toString()});
    }
    settings.endArray();
}

void SavedMessages::save(const Entry &entry)
{
    remove(entry.name);
    m_entries.append(entry);
    store();
    Q_EMIT changed();
}

void SavedMessages::remove(const QString &name)
{
    const auto removed = m_entries.removeIf([&](const Entry &e) { return e.name == name; });
    if (removed > 0) {
        store();
        Q_EMIT changed();
    }
}

void SavedMessages::store() const
{
    QSettings settings;
    settings.beginWriteArray(QStringLiteral("savedMessages"), int(m_entries.size()));
    for (int i = 0; i < m_entries.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("name"), m_entries.at(i).name);
        settings.setValue(QStringLiteral("mode"), m_entries.at(i).mode);
        settings.setValue(QStringLiteral("content"), m_entries.at(i).content);
    }
    settings.endArray();
}
