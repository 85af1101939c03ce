#include "ProxyPage.h"

#include "CloseDialog.h"
#include "Composer.h"
#include "ElidingLabel.h"
#include "InterceptPanel.h"
#include "MessageDetailView.h"
#include "MessageLogModel.h"
#include "ProxyFaultsEditor.h"
#include "ProxyPairListModel.h"
#include "ProxyPresenter.h"
#include "ScriptPanel.h"
#include "Theme.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <limits>

namespace {
constexpr int ClockIntervalMs = 250;
// The pause after the last edit of a standing fault before it applies.
constexpr int FaultsDebounceMs = 300;

QComboBox *sideChooser(QWidget *parent, const QString &accessibleName)
{
    auto *combo = new QComboBox(parent);
    combo->addItem(ProxyPage::tr("client \u2192 server"), int(ProxySide::Client));
    combo->addItem(ProxyPage::tr("server \u2192 client"), int(ProxySide::Server));
    combo->setAccessibleName(accessibleName);
    return combo;
}

QString directionText(ProxySide from)
{
    return from == ProxySide::Client ? ProxyPage::tr("client \u2192 server")
                                     : ProxyPage::tr("server \u2192 client");
}
} // namespace

ProxyPage::ProxyPage(SavedMessages *savedMessages, QWidget *parent)
    : QWidget(parent)
    , m_presenter(new ProxyPresenter(this))
    , m_url(new QLineEdit(this))
    , m_copy(new QToolButton(this))
    , m_allPairs(new QCheckBox(tr("All pairs"), this))
    , m_record(new QToolButton(this))
    , m_error(new ElidingLabel(this))
    , m_pairs(new QTableView(this))
    , m_logs(new QStackedWidget(this))
    , m_bottomTabs(new QTabWidget(this))
    , m_injectSide(new QComboBox(this))
    , m_inject(new Composer(savedMessages, this))
    , m_intercept(new InterceptPanel(savedMessages, this))
    , m_sideTabs(new QTabWidget(this))
    , m_detail(new MessageDetailView(this))
    , m_scopeLabel(new ElidingLabel(this))
    , m_faults(new ProxyFaultsEditor(this))
    , m_faultsDebounce(new QTimer(this))
    , m_faultsTab(new QScrollArea(this))
    , m_stallSide(sideChooser(this, tr("Stall direction")))
    , m_stallSeconds(new QSpinBox(this))
    , m_cutBytes(new QSpinBox(this))
    , m_closeSide(new QComboBox(this))
    , m_status(new ElidingLabel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
{
    // The top bar: where clients connect, and what requests act on.
    m_url->setReadOnly(true);
    m_url->setAccessibleName(tr("Listening URL"));
    m_url->setToolTip(tr("Point clients here instead of at the server"));
    m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy the listening URL"));
    connect(m_copy, &QToolButton::clicked, this, &ProxyPage::copyUrl);
    m_allPairs->setToolTip(tr("Faults, interventions and injected messages go to every pair "
                              "(and faults to pairs accepted later), not only the selected one"));
    connect(m_allPairs, &QCheckBox::toggled, this, &ProxyPage::updateScope);
    m_record->setCheckable(true);
    m_record->setToolTip(tr("Record the selected pair to a file (written by its own thread)"));
    connect(m_record, &QToolButton::clicked, this, &ProxyPage::toggleRecording);
    m_error->setTextRole(int(Theme::Role::Error));
    m_error->hide();
    m_status->setTextRole(int(Theme::Role::Muted));

    // The pairs.
    m_pairs->setModel(m_presenter->pairs());
    m_pairs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_pairs->setSelectionMode(QAbstractItemView::SingleSelection);
    m_pairs->verticalHeader()->hide();
    m_pairs->horizontalHeader()->setStretchLastSection(true);
    m_pairs->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // An ended pair's state is a long sentence (its tooltip has it whole): it must not push the
    // counts and round trips out of sight.
    m_pairs->horizontalHeader()->setSectionResizeMode(
        ProxyPairListModel::StateColumn, QHeaderView::Interactive);
    m_pairs->setColumnWidth(ProxyPairListModel::StateColumn, fontMetrics().averageCharWidth() * 28);
    m_pairs->setAccessibleName(tr("Pairs"));
    m_pairs->setWordWrap(false);
    connect(m_pairs->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](
            const QModelIndex &current) { showPair(m_presenter->pairs()->pairAt(current.row())); });

    // The log of the selected pair: one pane per pair, made when the pair is first shown.
    auto *placeholder = new QLabel(tr("No pair yet: connect a client to the listening URL."), this);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setEnabled(false);
    m_logs->addWidget(placeholder);

    // Inject: a composer whose messages go into the pair as if one side had sent them.
    m_injectSide->addItem(tr("To the server, as if the client sent it"), int(ProxySide::Client));
    m_injectSide->addItem(tr("To the client, as if the server sent it"), int(ProxySide::Server));
    m_injectSide->setAccessibleName(tr("Inject direction"));
    m_inject->setSendWording(tr("Inject"),
        tr("Send this message into the pair (Ctrl+Enter); it is logged like the others"),
        tr("no open pair"));
    connect(m_inject, &Composer::sendText, this, [this](const QString &text) {
        m_presenter->server()->inject(scope(), injectSide(), false, text.toUtf8());
    });
    connect(m_inject, &Composer::sendBinary, this, [this](const QByteArray &data) {
        m_presenter->server()->inject(scope(), injectSide(), true, data);
    });
    auto *injectPage = new QWidget(this);
    auto *injectLayout = new QVBoxLayout(injectPage);
    injectLayout->addWidget(m_injectSide);
    injectLayout->addWidget(m_inject, 1);
    m_bottomTabs->addTab(injectPage, tr("Inject"));
    m_bottomTabs->addTab(m_intercept, tr("Intercept"));
    connect(m_intercept, &InterceptPanel::interceptToggled, this, &ProxyPage::setIntercept);
    connect(m_intercept, &InterceptPanel::forwardRequested, this, &ProxyPage::forwardHeld);
    connect(m_intercept, &InterceptPanel::dropRequested, this, &ProxyPage::dropHeld);
    connect(m_intercept, &InterceptPanel::replaceRequested, this,
        [this](bool binary, const QByteArray &payload) {
            const QList<ProxyPresenter::HeldMessage> held = m_presenter->held(scope());
            if (!held.isEmpty())
                m_presenter->replaceHeld(held.first(), binary, payload);
        });

    // Faults and interventions, for the selected pair or for all pairs.
    auto *faultsPage = new QWidget(this);
    auto *faultsLayout = new QVBoxLayout(faultsPage);
    faultsLayout->addWidget(m_scopeLabel);
    auto *standing = new QGroupBox(tr("Standing faults (live)"), faultsPage);
    auto *standingLayout = new QVBoxLayout(standing);
    standing->setToolTip(tr("Live: each change applies as you make it, and is a Fault row in "
                            "the log"));
    standingLayout->addWidget(m_faults);
    faultsLayout->addWidget(standing);
    // Live: the values apply once the user pauses, so typing "150" is one change, not three.
    m_faultsDebounce->setSingleShot(true);
    m_faultsDebounce->setInterval(FaultsDebounceMs);
    connect(m_faultsDebounce, &QTimer::timeout, this, &ProxyPage::applyFaults);
    connect(m_faults, &ProxyFaultsEditor::edited, this, [this] {
        m_faultsScope = scope();
        m_faultsDebounce->start();
    });
    auto *once = new QGroupBox(tr("Now"), faultsPage);
    auto *onceLayout = new QFormLayout(once);
    m_stallSeconds->setRange(1, ProxyFaults::MaxLatencyMs / 1000);
    m_stallSeconds->setValue(5);
    m_stallSeconds->setSuffix(tr(" s"));
    m_stallSeconds->setAccessibleName(tr("Stall seconds"));
    auto *stallButton = new QPushButton(tr("Stall"), once);
    stallButton->setToolTip(tr("Hold this direction for a while, then release what was held"));
    connect(stallButton, &QPushButton::clicked, this, [this] {
        stall(ProxySide(m_stallSide->currentData().toInt()), m_stallSeconds->value() * 1000);
    });
    auto *stallRow = new QHBoxLayout;
    stallRow->addWidget(m_stallSide, 1);
    stallRow->addWidget(new QLabel(tr("for"), once));
    stallRow->addWidget(m_stallSeconds);
    stallRow->addWidget(stallButton);
    onceLayout->addRow(tr("Stall:"), stallRow);
    auto *cutButton = new QPushButton(tr("Cut Now"), once);
    cutButton->setToolTip(tr("Reset both TCP connections at once"));
    connect(cutButton, &QPushButton::clicked, this, &ProxyPage::cutNow);
    m_cutBytes->setRange(0, std::numeric_limits<int>::max());
    m_cutBytes->setValue(64 * 1024);
    m_cutBytes->setSuffix(tr(" bytes"));
    m_cutBytes->setAccessibleName(tr("Cut size"));
    auto *armButton = new QPushButton(tr("Cut in Next Message"), once);
    armButton->setToolTip(
        tr("Reset both TCP connections in the middle of the next message larger than this"));
    connect(armButton, &QPushButton::clicked, this,
        [this] { cutInNextMessageOver(m_cutBytes->value()); });
    auto *cutRow = new QHBoxLayout;
    cutRow->addWidget(cutButton);
    cutRow->addStretch(1);
    cutRow->addWidget(new QLabel(tr("or over"), once));
    cutRow->addWidget(m_cutBytes);
    cutRow->addWidget(armButton);
    onceLayout->addRow(tr("Cut:"), cutRow);
    m_closeSide->addItem(tr("the client"), int(ProxySide::Client));
    m_closeSide->addItem(tr("the server"), int(ProxySide::Server));
    m_closeSide->setAccessibleName(tr("Side to close"));
    auto *closeButton = new QPushButton(tr("Close\u2026"), once);
    closeButton->setToolTip(tr("Send a close frame with a code and reason to this side"));
    connect(closeButton, &QPushButton::clicked, this,
        [this] { askCloseSide(ProxySide(m_closeSide->currentData().toInt())); });
    auto *closeRow = new QHBoxLayout;
    closeRow->addWidget(m_closeSide, 1);
    closeRow->addWidget(closeButton);
    onceLayout->addRow(tr("Close:"), closeRow);
    faultsLayout->addWidget(once);
    faultsLayout->addStretch(1);
    m_faultsTab->setWidget(faultsPage);
    m_faultsTab->setWidgetResizable(true);
    m_faultsTab->setFrameShape(QFrame::NoFrame);
    m_sideTabs->addTab(m_detail, tr("Message"));
    m_sideTabs->addTab(m_faultsTab, tr("Faults"));

    // Layout: pairs above; the log with inject/intercept below it on the left, the detail and
    // faults on the right.
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Listening on"), this));
    top->addWidget(m_url, 1);
    top->addWidget(m_copy);
    top->addWidget(m_allPairs);
    top->addWidget(m_record);
    auto *leftSplitter = new QSplitter(Qt::Vertical, this);
    leftSplitter->addWidget(m_pairs);
    leftSplitter->addWidget(m_logs);
    leftSplitter->addWidget(m_bottomTabs);
    leftSplitter->setStretchFactor(0, 1);
    leftSplitter->setStretchFactor(1, 3);
    leftSplitter->setStretchFactor(2, 1);
    leftSplitter->setSizes({150, 450, 220});
    leftSplitter->setChildrenCollapsible(false);
    m_splitter->addWidget(leftSplitter);
    m_splitter->addWidget(m_sideTabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({600, 400});
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_error);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_status);

    connect(m_presenter, &ProxyPresenter::pairAdded, this, [this](int pairId) {
        if (m_selectedPair == 0)
            selectPair(pairId); // the first client is the one to look at
    });
    // Statuses come with every batch of every pair: the controls follow them on the UI clock.
    connect(m_presenter, &ProxyPresenter::statusChanged, this, [this] { m_statusDirty = true; });
    // ... except that the selected pair opening or ending shows at once.
    connect(m_presenter->pairs(), &ProxyPairListModel::dataChanged, this,
        [this](const QModelIndex &from, const QModelIndex &to) {
            const ProxyPairListModel *pairs = m_presenter->pairs();
            const int row = pairs->rowOfPair(m_selectedPair);
            if (row >= from.row() && row <= to.row()
                && pairs->status(m_selectedPair).state != m_shownState)
                updateControls();
        });
    connect(m_presenter, &ProxyPresenter::heldChanged, this, &ProxyPage::updateHeld);
    connect(m_presenter, &ProxyPresenter::recordingChanged, this, &ProxyPage::updateControls);
    connect(m_presenter, &ProxyPresenter::problem, this, &ProxyPage::showProblem);
    auto *clock = new QTimer(this);
    clock->setInterval(ClockIntervalMs);
    connect(clock, &QTimer::timeout, this, [this] {
        if (TrafficLogPane *pane = currentLogPane())
            pane->refresh();
        if (m_statusDirty)
            updateControls();
    });
    clock->start();
    updateScope();
}

ProxyPage::~ProxyPage()
{
    m_presenter->stop();
    // The panes go before the logs they show (the presenter, which owns them, is a child too).
    qDeleteAll(m_panes);
    m_panes.clear();
}

bool ProxyPage::listen(const ProxyServer::Settings &settings, QString *error)
{
    if (!m_presenter->listen(settings, error))
        return false;
    if (!settings.script.isEmpty() && !m_script) {
        m_script = new ScriptPanel(this);
        m_script->showFixedScript(settings.script);
        m_sideTabs->addTab(m_script, tr("Script"));
        connect(m_presenter, &ProxyPresenter::scriptLinesChanged, this, [this](int pairId) {
            if (pairId == m_selectedPair)
                showScriptLines();
        });
    }
    m_url->setText(urlText());
    updateScope();
    Q_EMIT titleChanged(title());
    return true;
}

QString ProxyPage::title() const
{
    return m_presenter->title();
}

QString ProxyPage::urlText() const
{
    return m_presenter->server()->url().toString();
}

QString ProxyPage::statusText() const
{
    return m_presenter->statusText();
}

int ProxyPage::scope() const
{
    return appliesToAllPairs() ? ProxyServer::AllPairs : m_selectedPair;
}

bool ProxyPage::isAllPairsOn() const
{
    return m_allPairs->isChecked();
}

bool ProxyPage::appliesToAllPairs() const
{
    return m_allPairs->isChecked() || m_selectedPair == 0;
}

TrafficLogPane *ProxyPage::currentLogPane() const
{
    return m_panes.value(m_selectedPair);
}

ProxySide ProxyPage::injectSide() const
{
    return ProxySide(m_injectSide->currentData().toInt());
}

void ProxyPage::selectPair(int pairId)
{
    const int row = m_presenter->pairs()->rowOfPair(pairId);
    if (row >= 0)
        m_pairs->selectRow(row); // shows it through currentRowChanged
}

void ProxyPage::showPair(int pairId)
{
    if (pairId == m_selectedPair)
        return;
    m_selectedPair = pairId;
    m_detail->clear();
    MessageLogModel *log = m_presenter->log(pairId);
    if (!log) {
        m_logs->setCurrentIndex(0);
    } else {
        TrafficLogPane *pane = m_panes.value(pairId);
        if (!pane) {
            pane = new TrafficLogPane(log, m_logs);
            log->setShowWallClock(m_showWallClock);
            connect(pane->view(), &TrafficLogView::currentRowChanged, m_detail,
                [this, log](int row) { m_detail->showRow(log, row); });
            connect(pane, &TrafficLogPane::cleared, m_detail, &MessageDetailView::clear);
            m_panes.insert(pairId, pane);
            m_logs->addWidget(pane);
        }
        m_logs->setCurrentWidget(pane);
    }
    if (m_script) {
        m_script->clearLines();
        showScriptLines();
    }
    updateScope();
}

void ProxyPage::showScriptLines()
{
    m_script->showLines(m_presenter->scriptLines(m_selectedPair));
}

void ProxyPage::setAllPairs(bool all)
{
    m_allPairs->setChecked(all);
}

void ProxyPage::updateScope()
{
    // Edits still waiting for their pause belong to the scope they were made in.
    if (m_faultsDebounce->isActive()) {
        m_faultsDebounce->stop();
        applyFaults();
    }
    const int target = scope();
    m_scopeLabel->setText(target == ProxyServer::AllPairs
            ? tr("Applies to all pairs, and to pairs accepted later")
            : tr("Applies to pair %1 (%2)")
                  .arg(target)
                  .arg(m_presenter->pairs()->status(target).clientAddress));
    const ProxyFaults faults = m_presenter->faults(target);
    m_faults->setFaults(faults);
    for (ProxySide side : {ProxySide::Client, ProxySide::Server})
        m_intercept->setIntercepting(side, faults.of(side).intercept);
    updateHeld();
    updateControls();
    Q_EMIT scopeChanged();
}

void ProxyPage::updateControls()
{
    m_statusDirty = false;
    m_shownState = m_presenter->pairs()->status(m_selectedPair).state;
    const ProxyPairListModel *pairs = m_presenter->pairs();
    const int target = scope();
    const bool open = target == ProxyServer::AllPairs
        ? pairs->openCount() > 0
        : pairs->status(target).state == ProxyPairState::Open;
    m_inject->setSendEnabled(open);
    const QString recording = m_presenter->recordingPath(m_selectedPair);
    m_record->setEnabled(m_selectedPair != 0
        && (!recording.isEmpty() || pairs->status(m_selectedPair).state != ProxyPairState::Closed));
    m_record->setChecked(!recording.isEmpty());
    m_record->setText(recordingText());
    m_status->setText(statusText());
    Q_EMIT titleChanged(title());
}

QString ProxyPage::recordingText() const
{
    const QString path = m_presenter->recordingPath(m_selectedPair);
    return path.isEmpty() ? tr("Record") : tr("Recording to %1").arg(QFileInfo(path).fileName());
}

void ProxyPage::updateHeld()
{
    const QList<ProxyPresenter::HeldMessage> held = m_presenter->held(scope());
    if (held.isEmpty()) {
        m_intercept->showNothingHeld();
    } else {
        const ProxyPresenter::HeldMessage &m = held.first();
        const QString what = tr("Held: pair %1, %2, %3, %4")
                                 .arg(m.pairId)
                                 .arg(directionText(m.from), m.binary ? tr("binary") : tr("text"),
                                     MessageLogModel::formatSize(m.payload.size()));
        m_intercept->showHeld(
            QStringLiteral("%1/%2/%3").arg(m.pairId).arg(int(m.from)).arg(m.heldId), what, m.binary,
            m.payload, int(held.size()) - 1);
        m_bottomTabs->setCurrentWidget(m_intercept);
    }
}

void ProxyPage::showProblem(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    Q_EMIT problem(message);
}

void ProxyPage::copyUrl()
{
    QApplication::clipboard()->setText(urlText());
}

void ProxyPage::applyFaults()
{
    const ProxyFaults faults = m_faults->appliedTo(m_presenter->faults(m_faultsScope));
    const QString invalid = faults.validate();
    if (!invalid.isEmpty()) {
        showProblem(invalid);
        return;
    }
    showProblem({});
    m_presenter->setFaults(m_faultsScope, faults);
}

void ProxyPage::showFaults()
{
    m_sideTabs->setCurrentWidget(m_faultsTab);
    m_faults->setFocus(Qt::ShortcutFocusReason);
}

void ProxyPage::askStall(ProxySide from)
{
    bool ok = false;
    const int seconds = QInputDialog::getInt(this, tr("Stall %1").arg(directionText(from)),
        tr("Hold what the %1 sends for (seconds):").arg(proxySideName(from)),
        m_stallSeconds->value(), 1, m_stallSeconds->maximum(), 1, &ok);
    if (ok) {
        m_stallSeconds->setValue(seconds);
        stall(from, seconds * 1000);
    }
}

void ProxyPage::stall(ProxySide from, int forMs)
{
    m_presenter->server()->stall(scope(), from, forMs);
}

void ProxyPage::cutNow()
{
    m_presenter->server()->cut(scope());
}

void ProxyPage::askCutInNextMessage()
{
    bool ok = false;
    const int bytes = QInputDialog::getInt(this, tr("Cut in the next message"),
        tr("Reset both connections in the middle of the next message larger than (bytes):"),
        m_cutBytes->value(), 0, m_cutBytes->maximum(), 1024, &ok);
    if (ok) {
        m_cutBytes->setValue(bytes);
        cutInNextMessageOver(bytes);
    }
}

void ProxyPage::cutInNextMessageOver(qint64 bytes)
{
    m_presenter->server()->cutInNextMessageOver(scope(), bytes);
}

void ProxyPage::askCloseSide(ProxySide side)
{
    CloseDialog dialog(this);
    dialog.setWindowTitle(tr("Close the %1 side").arg(proxySideName(side)));
    if (dialog.exec() == QDialog::Accepted)
        closeSide(side, quint16(dialog.code()), dialog.reason());
}

void ProxyPage::closeSide(ProxySide side, quint16 code, const QString &reason)
{
    m_presenter->server()->closeSide(scope(), side, code, reason);
}

void ProxyPage::setIntercept(ProxySide from, bool on)
{
    m_presenter->setIntercept(scope(), from, on);
    m_intercept->setIntercepting(from, on);
    if (on)
        m_bottomTabs->setCurrentWidget(m_intercept);
}

void ProxyPage::forwardHeld()
{
    const QList<ProxyPresenter::HeldMessage> held = m_presenter->held(scope());
    if (!held.isEmpty())
        m_presenter->forwardHeld(held.first());
}

bool ProxyPage::forwardEdited()
{
    return m_intercept->forwardEdited();
}

void ProxyPage::dropHeld()
{
    const QList<ProxyPresenter::HeldMessage> held = m_presenter->held(scope());
    if (!held.isEmpty())
        m_presenter->dropHeld(held.first());
}

bool ProxyPage::injectMessage()
{
    return m_inject->send();
}

void ProxyPage::toggleRecording()
{
    if (!m_presenter->recordingPath(m_selectedPair).isEmpty()) {
        stopRecording();
        return;
    }
    if (m_selectedPair == 0) {
        updateControls();
        return;
    }
    const QString suggested
        = QStringLiteral("proxy-pair-%1-%2.sockscope.jsonl")
              .arg(m_selectedPair)
              .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString path
        = QFileDialog::getSaveFileName(this, tr("Record pair %1 to").arg(m_selectedPair), suggested,
            tr("Sockscope recordings (*.jsonl)"));
    if (path.isEmpty())
        updateControls();
    else
        startRecording(path);
}

void ProxyPage::startRecording(const QString &path)
{
    m_presenter->startRecording(m_selectedPair, path);
    updateControls();
}

void ProxyPage::stopRecording()
{
    m_presenter->stopRecording(m_selectedPair);
    updateControls();
}

void ProxyPage::clearEnded()
{
    const QList<int> ended = m_presenter->pairs()->endedPairs();
    if (ended.contains(m_selectedPair))
        showPair(0);
    // Each pane goes before the log it shows.
    for (int pairId : ended)
        delete m_panes.take(pairId);
    m_presenter->clearEnded();
}

void ProxyPage::setShowWallClock(bool show)
{
    m_showWallClock = show;
    for (auto it = m_panes.cbegin(); it != m_panes.cend(); ++it)
        m_presenter->log(it.key())->setShowWallClock(show);
}
