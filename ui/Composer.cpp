#include "Composer.h"

#include "BoundedFile.h"
#include "ElidingLabel.h"
#include "JsonCheck.h"
#include "PayloadFormat.h"
#include "SavedMessages.h"
#include "Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QToolButton>
#include <QVBoxLayout>

namespace {
constexpr qint64 MaxFileBytes = 512LL * 1024 * 1024;
}

Composer::Composer(SavedMessages *saved, QWidget *parent)
    : QWidget(parent)
    , m_saved(saved)
    , m_mode(new QComboBox(this))
    , m_editor(new QPlainTextEdit(this))
    , m_error(new ElidingLabel(this))
    , m_compact(new QCheckBox(tr("Compact on send"), this))
    , m_format(new QPushButton(tr("Format"), this))
    , m_chooseFile(new QPushButton(tr("Choose file\u2026"), this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_savedList(new QComboBox(this))
{
    m_mode->addItems(
        {tr("Text"), tr("JSON"), tr("Binary (hex)"), tr("Binary (base64)"), tr("Binary (file)")});
    m_mode->setAccessibleName(tr("Message type"));
    m_mode->setToolTip(tr("What the editor holds: text, JSON, or binary as hex, base64 or a file"));
    m_editor->setToolTip(tr("The message to send; Ctrl+Enter sends it"));
    m_format->setToolTip(tr("Indent the JSON in the editor (sending keeps what you typed)"));
    m_chooseFile->setToolTip(tr("Choose a file to send as one binary message"));
    m_compact->setToolTip(tr("Send the JSON without the whitespace between tokens"));
    m_compact->hide();
    m_editor->setPlaceholderText(tr("Message to send (Ctrl+Enter)"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setTabChangesFocus(true);
    m_error->setTextRole(int(Theme::Role::Error));
    m_sendToolTip = tr("Send (Ctrl+Enter)");
    m_whyDisabled = tr("not connected");
    m_send->setDefault(true);
    m_chooseFile->hide();
    m_format->hide();

    for (const QKeySequence &keys :
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &Composer::send);
    }
    connect(m_send, &QPushButton::clicked, this, &Composer::send);
    connect(m_format, &QPushButton::clicked, this, &Composer::formatJson);
    connect(m_chooseFile, &QPushButton::clicked, this, &Composer::chooseFile);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        const Mode mode = this->mode();
        m_format->setVisible(mode == Mode::Json);
        m_compact->setVisible(mode == Mode::Json);
        m_chooseFile->setVisible(mode == Mode::File);
        m_editor->setReadOnly(mode == Mode::File);
        if (mode == Mode::File)
            m_editor->setPlainText(m_filePath.isEmpty() ? tr("No file chosen.") : m_filePath);
        validate();
    });
    connect(m_editor, &QPlainTextEdit::textChanged, this, &Composer::validate);

    // The saved messages: the list and Insert at hand, the rest in a menu, so the composer stays
    // narrow enough for a small screen at a large scale factor.
    auto *insertButton = new QPushButton(tr("Insert"), this);
    auto *savedMenuButton = new QToolButton(this);
    savedMenuButton->setText(tr("Saved"));
    savedMenuButton->setPopupMode(QToolButton::InstantPopup);
    savedMenuButton->setToolTip(tr("Send, save or delete saved messages"));
    auto *savedMenu = new QMenu(savedMenuButton);
    savedMenu->addAction(tr("Send the Saved Message"), this, [this] { insertSaved(true); });
    savedMenu->addAction(tr("Save the Editor's Message\u2026"), this, &Composer::saveCurrent);
    savedMenu->addAction(tr("Delete the Saved Message"), this, &Composer::deleteSaved);
    savedMenuButton->setMenu(savedMenu);
    m_savedList->setPlaceholderText(tr("Saved messages"));
    m_savedList->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_savedList->setMinimumContentsLength(
        int(QStringLiteral("Saved messages").size()) + 2); // the placeholder is never cut
    m_savedList->setToolTip(tr("Messages saved by name; Insert puts one in the editor"));
    insertButton->setToolTip(tr("Put the chosen saved message in the editor"));
    connect(insertButton, &QPushButton::clicked, this, [this] { insertSaved(false); });
    connect(m_saved, &SavedMessages::changed, this, &Composer::reloadSaved);
    reloadSaved();

    auto *top = new QHBoxLayout;
    top->addWidget(m_mode);
    top->addWidget(m_format);
    top->addWidget(m_compact);
    top->addWidget(m_chooseFile);
    top->addStretch(1);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_savedList);
    bottom->addWidget(insertButton);
    bottom->addWidget(savedMenuButton);
    bottom->addWidget(m_error, 1);
    bottom->addWidget(m_send);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_editor, 1);
    layout->addLayout(bottom);
    setSendEnabled(false);
}

Composer::Mode Composer::mode() const
{
    return Mode(m_mode->currentIndex());
}

void Composer::setMode(Mode mode)
{
    m_mode->setCurrentIndex(int(mode));
}

void Composer::setContent(const QString &content)
{
    m_editor->setPlainText(content);
}

QString Composer::content() const
{
    return m_editor->toPlainText();
}

void Composer::setFilePath(const QString &path)
{
    m_filePath = path;
    if (mode() == Mode::File)
        m_editor->setPlainText(path);
    validate();
}

void Composer::setSendEnabled(bool enabled)
{
    m_sendEnabled = enabled;
    m_send->setEnabled(enabled);
    m_send->setToolTip(enabled ? m_sendToolTip : tr("Nothing to send: %1").arg(m_whyDisabled));
}

void Composer::setSendWording(
    const QString &button, const QString &toolTip, const QString &whyDisabled)
{
    m_send->setText(button);
    m_sendToolTip = toolTip;
    m_whyDisabled = whyDisabled;
    setSendEnabled(m_sendEnabled);
}

QString Composer::errorText() const
{
    return m_error->text();
}

void Composer::showError(const QString &message, int position)
{
    m_error->setText(message);
    markError(position);
    if (position >= 0) {
        QTextCursor cursor = m_editor->textCursor();
        cursor.setPosition(qMin(position, int(m_editor->toPlainText().size())));
        m_editor->setTextCursor(cursor);
    }
}

void Composer::markError(int position)
{
    QList<QTextEdit::ExtraSelection> selections;
    if (position >= 0) {
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(m_editor->document());
        const int length = int(m_editor->document()->characterCount()) - 1;
        // At the very end there is no character to underline: mark the last one.
        const int at = qBound(0, position >= length ? length - 1 : position, qMax(0, length - 1));
        selection.cursor.setPosition(at);
        selection.cursor.setPosition(qMin(at + 1, qMax(0, length)), QTextCursor::KeepAnchor);
        selection.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        selection.format.setUnderlineColor(Theme::color(Theme::Role::Error, palette()));
        selection.format.setProperty(QTextFormat::UserProperty, position);
        selections << selection;
    }
    m_editor->setExtraSelections(selections);
}

int Composer::markedErrorPosition() const
{
    const auto selections = m_editor->extraSelections();
    return selections.isEmpty()
        ? -1
        : selections.first().format.property(QTextFormat::UserProperty).toInt();
}

void Composer::setCompactJson(bool compact)
{
    m_compact->setChecked(compact);
}

void Composer::validate()
{
    QString error;
    const QString text = content();
    switch (mode()) {
    case Mode::Text:
        break;
    case Mode::Json:
        if (!text.trimmed().isEmpty()) {
            const JsonCheck check = JsonCheck::check(text);
            if (!check.ok) {
                showError(check.describe(), -1);
                markError(check.position);
                return;
            }
        }
        break;
    case Mode::Hex:
        PayloadFormat::parseHex(text, &error);
        break;
    case Mode::Base64:
        PayloadFormat::parseBase64(text, &error);
        break;
    case Mode::File:
        if (m_filePath.isEmpty())
            error = tr("choose a file to send");
        break;
    }
    m_error->setText(error);
    markError(-1);
}

void Composer::formatJson()
{
    QString error;
    const QString pretty = PayloadFormat::prettyJson(content(), &error);
    if (pretty.isEmpty()) {
        const JsonCheck check = JsonCheck::check(content());
        showError(tr("Not formatted: %1").arg(check.describe()), check.position);
        return;
    }
    m_editor->setPlainText(pretty.trimmed());
}

bool Composer::send()
{
    if (!m_sendEnabled) {
        showError(tr("Nothing was sent: %1").arg(m_whyDisabled));
        return false;
    }
    QString error;
    int position = -1;
    const QString text = content();
    switch (mode()) {
    case Mode::Text:
        Q_EMIT sendText(text);
        return true;
    case Mode::Json: {
        const JsonCheck check = JsonCheck::check(text);
        if (!check.ok) {
            showError(tr("Nothing was sent: the JSON is not valid at %1").arg(check.describe()),
                check.position);
            return false;
        }
        // As typed (the log shows what went out), or without whitespace when asked.
        Q_EMIT sendText(m_compact->isChecked() ? JsonCheck::compact(text) : text);
        return true;
    }
    case Mode::Hex: {
        const QByteArray data = PayloadFormat::parseHex(text, &error, &position);
        if (!error.isEmpty()) {
            showError(tr("Nothing was sent: %1").arg(error), position);
            return false;
        }
        Q_EMIT sendBinary(data);
        return true;
    }
    case Mode::Base64: {
        const QByteArray data = PayloadFormat::parseBase64(text, &error);
        if (!error.isEmpty()) {
            showError(tr("Nothing was sent: %1").arg(error));
            return false;
        }
        Q_EMIT sendBinary(data);
        return true;
    }
    case Mode::File: {
        if (m_filePath.isEmpty()) {
            showError(tr("choose a file to send"));
            return false;
        }
        QByteArray data;
        QString error;
        if (!BoundedFile::read(m_filePath, MaxFileBytes, tr("the file"), &data, &error)) {
            showError(error);
            return false;
        }
        Q_EMIT sendBinary(data);
        return true;
    }
    }
    return false;
}

void Composer::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Send a file as a binary message"));
    if (!path.isEmpty())
        setFilePath(path);
}

void Composer::saveCurrent()
{
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Save message"), tr("Name:"), QLineEdit::Normal, m_savedList->currentText(), &ok)
                             .trimmed();
    if (ok && !name.isEmpty())
        m_saved->save({name, int(mode()), mode() == Mode::File ? m_filePath : content()});
}

void Composer::deleteSaved()
{
    if (hasSavedChoice())
        m_saved->remove(m_savedList->currentText());
}

bool Composer::hasSavedChoice() const
{
    return m_savedList->currentIndex() >= 0;
}

void Composer::reloadSaved()
{
    const QString current = m_savedList->currentText();
    m_savedList->clear();
    for (const SavedMessages::Entry &e : m_saved->entries())
        m_savedList->addItem(e.name);
    m_savedList->setCurrentIndex(m_savedList->findText(current));
}

void Composer::insertSaved(bool andSend)
{
    const int index = m_savedList->currentIndex();
    if (index < 0 || index >= m_saved->entries().size())
        return;
    const SavedMessages::Entry &e = m_saved->entries().at(index);
    setMode(Mode(e.mode));
    if (Mode(e.mode) == Mode::File)
        setFilePath(e.content);
    else
        setContent(e.content);
    if (andSend)
        send();
}
