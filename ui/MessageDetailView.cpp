#include "MessageDetailView.h"

#include "CloseCode.h"
#include "JsonHighlighter.h"
#include "MessageLogModel.h"
#include "PayloadFormat.h"
#include "Theme.h"
#include "Units.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QEvent>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QTabWidget>
#include <QVBoxLayout>

using Kind = TrafficEvent::Kind;

namespace {
QPlainTextEdit *makeViewer(QWidget *parent, bool monospace)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setReadOnly(true);
    edit->setLineWrapMode(monospace ? QPlainTextEdit::NoWrap : QPlainTextEdit::WidgetWidth);
    if (monospace)
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}
QString framesText(const TrafficEvent &e)
{
    if (!e.hasPayload() && e.kind != Kind::CloseFrame)
        return QObject::tr("Not a frame: a connection event.");
    if (!e.hasWireInfo())
        return QObject::tr("Payload: %L1 bytes\nHow it arrived on the wire is not known for this "
                           "row (the engine did not report frames).")
            .arg(e.size);
    QStringList lines;
    lines << QObject::tr("Frames:        %1").arg(e.frames);
    lines << QObject::tr("Opcode:        0x%1 (%2)")
                 .arg(e.opcode, 1, 16)
                 .arg(e.opcode == 0       ? QStringLiteral("continuation")
                         : e.opcode == 1  ? QStringLiteral("text")
                         : e.opcode == 2  ? QStringLiteral("binary")
                         : e.opcode == 8  ? QStringLiteral("close")
                         : e.opcode == 9  ? QStringLiteral("ping")
                         : e.opcode == 10 ? QStringLiteral("pong")
                                          : QStringLiteral("reserved"));
    lines << QObject::tr("FIN:           %1")
                 .arg(e.frames > 1 ? QObject::tr("on the last of %1 frames").arg(e.frames)
                                   : QObject::tr("1"));
    lines << QObject::tr("RSV1 RSV2 RSV3: %1 %2 %3")
                 .arg(e.frameFlags & TrafficEvent::Rsv1 ? 1 : 0)
                 .arg(e.frameFlags & TrafficEvent::Rsv2 ? 1 : 0)
                 .arg(e.frameFlags & TrafficEvent::Rsv3 ? 1 : 0);
    lines << QObject::tr("Masked:        %1")
                 .arg(e.frameFlags & TrafficEvent::Masked ? QObject::tr("yes") : QObject::tr("no"));
    lines << QObject::tr("Compressed:    %1")
                 .arg(e.frameFlags & TrafficEvent::Compressed
                         ? QObject::tr("yes (permessage-deflate)")
                         : QObject::tr("no"));
    lines << QObject::tr("Payload:       %L1 bytes").arg(e.size);
    if (e.wireSize >= 0)
        lines << QObject::tr("On the wire:   %L1 bytes (frame headers included)").arg(e.wireSize);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

MessageDetailView::MessageDetailView(QWidget *parent)
    : QWidget(parent)
    , m_header(new QLabel(this))
    , m_more(new QLabel(this))
    , m_loadMore(new QPushButton(tr("Load more"), this))
    , m_tabs(new QTabWidget(this))
    , m_text(makeViewer(this, false))
    , m_hex(makeViewer(this, true))
    , m_base64(makeViewer(this, true))
    , m_frames(makeViewer(this, true))
    , m_highlighter(new JsonHighlighter(m_text->document()))
{
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setWordWrap(true);
    m_tabs->addTab(m_text, tr("Text"));
    m_tabs->addTab(m_hex, tr("Hex"));
    m_tabs->addTab(m_base64, tr("Base64"));
    m_tabs->addTab(m_frames, tr("Frames"));
    m_tabs->setTabToolTip(3, tr("How the message arrived on the wire"));
    m_tabs->setDocumentMode(true);

    auto *copy = new QPushButton(tr("Copy"), this);
    auto *save = new QPushButton(tr("Save payload\u2026"), this);
    copy->setToolTip(tr("Copy what this tab shows (the whole text for text messages)"));
    save->setToolTip(tr("Save the whole payload to a file"));
    m_loadMore->setToolTip(tr("Show the next part of a large payload"));
    connect(copy, &QPushButton::clicked, this, &MessageDetailView::copyCurrent);
    connect(save, &QPushButton::clicked, this, &MessageDetailView::savePayload);
    connect(m_loadMore, &QPushButton::clicked, this, &MessageDetailView::loadMore);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_more, 1);
    buttons->addWidget(m_loadMore);
    buttons->addWidget(copy);
    buttons->addWidget(save);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_header);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(buttons);
    clear();
}

void MessageDetailView::clear()
{
    m_event = TrafficEvent();
    m_shown = 0;
    m_header->setText(tr("Select a message to see it in full."));
    m_text->clear();
    m_hex->clear();
    m_base64->clear();
    m_frames->clear();
    m_text->setPlaceholderText(tr("Select a message"));
    m_more->clear();
    m_loadMore->hide();
    m_json = false;
    m_highlighter->setEnabled(false);
}

void MessageDetailView::showRow(const MessageLogModel *model, int row)
{
    if (!model || row < 0 || row >= model->rowCount()) {
        clear();
        return;
    }
    m_model = model;
    m_event = model->eventAt(row);
    m_wallMs = model->wallMsAt(row);
    m_number = model->data(model->index(row, MessageLogModel::NumberColumn)).toInt();
    m_shown = m_event.kind == Kind::Text ? qMin<qsizetype>(m_event.text.size(), TextChunkChars)
                                         : qMin<qsizetype>(m_event.data.size(), BinaryChunkBytes);
    render();
}

bool MessageDetailView::hasMore() const
{
    const qsizetype total = m_event.kind == Kind::Text ? m_event.text.size() : m_event.data.size();
    return m_shown < total;
}

void MessageDetailView::loadMore()
{
    if (m_event.kind == Kind::Text)
        m_shown = qMin(m_event.text.size(), m_shown + TextChunkChars);
    else
        m_shown = qMin(m_event.data.size(), m_shown + BinaryChunkBytes);
    render();
}

void MessageDetailView::render()
{
    const TrafficEvent &e = m_event;
    QStringList facts {QStringLiteral("#%1").arg(m_number), TrafficEvent::kindName(e.kind)};
    if (e.direction != TrafficEvent::Direction::Local)
        facts << (e.direction == TrafficEvent::Direction::Incoming ? tr("\u2193 received")
                                                                   : tr("\u2191 sent"));
    if (e.hasPayload())
        facts << tr("%L1 bytes").arg(e.size);
    facts << tr("%1 s").arg(e.timeUs / 1e6, 0, 'f', 6)
          << QDateTime::fromMSecsSinceEpoch(m_wallMs).toString(
                 QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    m_header->setText(Units::joinFacts(facts, QStringLiteral("  \u00b7  ")));
    m_header->setToolTip(m_header->text());

    QByteArray shownBytes;
    m_json = false;
    if (e.kind == Kind::Text) {
        const QString shown = e.text.left(m_shown);
        shownBytes = shown.toUtf8();
        QString pretty;
        if (m_shown == e.text.size() && e.size <= MaxPrettyJsonBytes
            && PayloadFormat::looksLikeJson(shown))
            pretty = PayloadFormat::prettyJson(shown);
        m_json = !pretty.isEmpty();
        m_highlighter->setEnabled(m_json);
        m_text->setPlainText(m_json ? pretty : shown);
        m_tabs->setTabText(0, m_json ? tr("JSON") : tr("Text"));
    } else if (e.kind == Kind::Binary || e.kind == Kind::Ping || e.kind == Kind::Pong) {
        shownBytes = e.data.left(m_shown);
        m_highlighter->setEnabled(false);
        QString summary = e.kind == Kind::Binary
            ? tr("Binary message of %L1 bytes: see the Hex and Base64 tabs.").arg(e.size)
            : MessageLogModel::preview(e, e.data);
        m_text->setPlainText(summary);
        m_tabs->setTabText(0, tr("Text"));
    } else {
        m_highlighter->setEnabled(false);
        QString description = MessageLogModel::preview(e, {});
        if (e.kind == Kind::Close) {
            description
                = tr("Closed by %1\nCode: %2\nReason: %3")
                      .arg(TrafficEvent::closerName(e.closedBy), CloseCode::describe(e.code),
                          e.text.isEmpty() ? tr("(none)") : e.text);
            if (e.transportEnd != TrafficEvent::TransportEnd::Unknown)
                description += tr("\nTCP: %1").arg(TrafficEvent::transportEndName(e.transportEnd));
        } else if (e.kind == Kind::Error && e.code > 0) {
            description += tr("\nHTTP status: %1").arg(e.code);
        }
        m_text->setPlainText(description);
        m_tabs->setTabText(0, tr("Text"));
    }
    m_hex->setPlainText(PayloadFormat::hexDump(shownBytes));
    // In lines, so a long payload is not one paragraph to wrap.
    const QByteArray base64 = shownBytes.toBase64();
    QString lines;
    lines.reserve(base64.size() + base64.size() / 76 + 1);
    for (qsizetype at = 0; at < base64.size(); at += 76) {
        if (at > 0)
            lines += QLatin1Char('\n');
        lines += QLatin1String(base64.mid(at, 76));
    }
    m_base64->setPlainText(lines);
    m_frames->setPlainText(framesText(e));
    highlightMatches();
    m_tabs->setCurrentIndex(
        e.kind == Kind::Binary && m_tabs->currentIndex() == 0 ? 1 : m_tabs->currentIndex());

    const qsizetype total = e.kind == Kind::Text ? e.text.size() : e.data.size();
    if (m_shown < total) {
        m_more->setText(e.kind == Kind::Text
                ? tr("Showing the first %L1 of %L2 characters").arg(m_shown).arg(total)
                : tr("Showing the first %L1 of %L2 bytes").arg(m_shown).arg(total));
        m_loadMore->show();
    } else {
        m_more->clear();
        m_loadMore->hide();
    }
}

QString MessageDetailView::displayedText() const
{
    return m_text->toPlainText();
}

void MessageDetailView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        m_highlighter->setPalette(palette()); // the theme changed: colours that read on it
        highlightMatches();
    }
}

QString MessageDetailView::displayedFrames() const
{
    return m_frames->toPlainText();
}

int MessageDetailView::highlightedMatches() const
{
    return int(m_text->extraSelections().size());
}

QString MessageDetailView::headerText() const
{
    return m_header->text();
}

void MessageDetailView::highlightMatches()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (m_model && m_event.kind == Kind::Text) {
        const QString text = m_text->toPlainText();
        for (const auto &[start, length] : m_model->matchesIn(text)) {
            QTextEdit::ExtraSelection selection;
            selection.cursor = QTextCursor(m_text->document());
            selection.cursor.setPosition(start);
            selection.cursor.setPosition(start + length, QTextCursor::KeepAnchor);
            selection.format.setBackground(Theme::color(Theme::Role::MatchBackground, palette()));
            selection.format.setForeground(palette().color(QPalette::Text));
            selections << selection;
            if (selections.size() >= 1000)
                break;
        }
    }
    m_text->setExtraSelections(selections);
}

QString MessageDetailView::displayedHex() const
{
    return m_hex->toPlainText();
}

QString MessageDetailView::displayedBase64() const
{
    return m_base64->toPlainText();
}

QByteArray MessageDetailView::fullPayload() const
{
    return m_event.kind == Kind::Text ? m_event.text.toUtf8() : m_event.data;
}

void MessageDetailView::copyCurrent()
{
    auto *viewer = qobject_cast<QPlainTextEdit *>(m_tabs->currentWidget());
    if (m_tabs->currentIndex() == 0 && m_event.kind == Kind::Text && !m_json)
        QApplication::clipboard()->setText(m_event.text); // all of it, not only what is shown
    else if (viewer)
        QApplication::clipboard()->setText(viewer->toPlainText());
}

void MessageDetailView::savePayload()
{
    if (!m_event.hasPayload())
        return;
    const QString suggested = m_event.kind == Kind::Text
        ? (m_json ? QStringLiteral("message.json") : QStringLiteral("message.txt"))
        : QStringLiteral("message.bin");
    const QString path = QFileDialog::getSaveFileName(this, tr("Save payload"), suggested);
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(fullPayload()) < 0 || !file.commit())
        QMessageBox::warning(
            this, tr("Save payload"), tr("Could not write %1: %2").arg(path, file.errorString()));
}
