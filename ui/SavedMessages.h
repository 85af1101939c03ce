#pragma once

#include <QList>
#include <QObject>
#include <QString>

// Named message templates, kept in QSettings and shared by every connection page.
class SavedMessages : public QObject
{
    Q_OBJECT
public:
    struct Entry
    {
        QString name;
        int mode = 0; // Composer::Mode
        QString content;
    };

    explicit SavedMessages(QObject *parent = nullptr);

    const QList<Entry> &entries() const { return m_entries; }
    void save(const Entry &entry); // replaces an entry of the same name
    void remove(const QString &name);

Q_SIGNALS:
    void changed();

private:
    void store() const;
    QList<Entry> m_entries;
};
