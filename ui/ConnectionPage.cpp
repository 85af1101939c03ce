#include "ConnectionPage.h"

#include "AppSettings.h"
#include "CloseDialog.h"
#include "Composer.h"
#include "ConnectionPresenter.h"
#include "ElidingLabel.h"
#include "FilterBar.h"
#include "HeartbeatPanel.h"
#include "MessageDetailView.h"
#include "RequestPanel.h"
#include "ScriptPanel.h"
#include "ScriptSource.h"
#include "TestsPanel.h"
#include "Theme.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace {
constexpr int ClockIntervalMs = 250;

QIcon recordingDot(const QPalette &palette, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(Theme::color(Theme::Role::Recording, palette));
    p.drawEllipse(QRectF(1, 1, size - 2, size - 2));
    return QIcon(pixmap);
}
} // namespace

ConnectionPage::ConnectionPage(
    ConnectionManager *manager, SavedMessages *savedMessages, QWidget *parent)
    : QWidget(parent)
    , m_presenter(new ConnectionPresenter(manager, this))
    , m_url(new QComboBox(this))
    , m_connectButton(new QToolButton(this))
    , m_stateLabel(new ElidingLabel(this))
    , m_error(new ElidingLabel(this))
    , m_logPane(new TrafficLogPane(m_presenter->model(), this))
    , m_record(new QToolButton(this))
    , m_composer(new Composer(savedMessages, this))
    , m_sideTabs(new QTabWidget(this))
    , m_detail(new MessageDetailView(this))
    , m_heartbeat(new HeartbeatPanel(this))
    , m_request(new RequestPanel(this))
    , m_script(new ScriptPanel(this))
    , m_tests(new TestsPanel(this))
    , m_handshake(new QPlainTextEdit(this))
    , m_status(new ElidingLabel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_leftSplitter(new QSplitter(Qt::Vertical, this))
    , m_clock(new QTimer(this))
{
    // URL bar.
    m_url->setEditable(true);
    m_url->setInsertPolicy(QComboBox::NoInsert);
    m_url->addItems(AppSettings::recentUrls());
    m_url->setCurrentText(QString());
    m_url->lineEdit()->setPlaceholderText(tr("ws:// or wss:// URL"));
    m_url->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_url->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_url->setMinimumContentsLength(20);
    m_url->setAccessibleName(tr("URL"));
    m_url->setToolTip(tr("The server's ws:// or wss:// URL; Enter connects (Ctrl+L)"));
    connect(m_url->lineEdit(), &QLineEdit::returnPressed, this, &ConnectionPage::toggleConnection);
    connect(m_url, &QComboBox::currentTextChanged, this, [this] { Q_EMIT titleChanged(title()); });
    m_connectButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_connectButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_connectButton->setMinimumWidth(
        fontMetrics().horizontalAdvance(QStringLiteral("Disconnect")) + 40);
    m_connectButton->setToolTip(tr("Connect, cancel or disconnect (Ctrl+D)"));
    auto *connectMenu = new QMenu(m_connectButton);
    connectMenu->addAction(tr("Close with code\u2026"), this, &ConnectionPage::closeWithCode);
    connectMenu->addAction(tr("Stop replay"), this, &ConnectionPage::stopReplay);
    m_connectButton->setMenu(connectMenu);
    connect(m_connectButton, &QToolButton::clicked, this, &ConnectionPage::toggleConnection);
    m_stateLabel->setMinimumWidth(
        fontMetrics().horizontalAdvance(QStringLiteral("reconnecting\u2026")) + 16);
    m_stateLabel->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    m_stateLabel->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 48);
    m_error->setTextRole(int(Theme::Role::Error));
    m_error->hide();
    m_status->setTextRole(int(Theme::Role::Muted));

    m_filter = m_logPane->filterBar();
    m_log = m_logPane->view();
    connect(m_logPane, &TrafficLogPane::cleared, m_detail, &MessageDetailView::clear);
    m_record->setCheckable(true);
    m_record->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_record->setToolTip(tr("Record this connection to a file (written by its own thread)"));
    connect(m_record, &QToolButton::clicked, this, [this](bool on) {
        if (on)
            startRecording();
        else
            stopRecording();
    });
    m_logPane->toolbar()->insertWidget(3, m_record);
    updateRecordButton();
    connect(m_log, &TrafficLogView::currentRowChanged, this,
        [this](int row) { m_detail->showRow(logModel(), row); });
    connect(m_composer, &Composer::sendText, m_presenter, &ConnectionPresenter::sendText);
    connect(m_composer, &Composer::sendBinary, m_presenter, &ConnectionPresenter::sendBinary);
    connect(m_heartbeat, &HeartbeatPanel::settingsChanged, m_presenter,
        &ConnectionPresenter::setHeartbeat);
    connect(
        m_heartbeat, &HeartbeatPanel::pingRequested, m_presenter, &ConnectionPresenter::pingNow);
    m_heartbeat->setTracker(&m_presenter->heartbeat());

    m_handshake->setReadOnly(true);
    m_handshake->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_handshake->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_handshake->setToolTip(tr("The HTTP upgrade: the request and the server's answer"));
    m_sideTabs->addTab(m_detail, tr("Message"));
    // Panels with many fields scroll rather than set the window's minimum width.
    for (const auto &[panel, title] : {std::pair<QWidget *, QString> {m_heartbeat, tr("Heartbeat")},
             std::pair<QWidget *, QString> {m_request, tr("Request")}}) {
        auto *scroll = new QScrollArea(this);
        scroll->setWidget(panel);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        m_sideTabs->addTab(scroll, title);
    }
    m_sideTabs->addTab(m_handshake, tr("Handshake"));
    m_sideTabs->addTab(m_script, tr("Script"));
    m_sideTabs->addTab(m_tests, tr("Tests"));
    connect(m_script, &ScriptPanel::runRequested, m_presenter, &ConnectionPresenter::setScript);
    connect(
        m_script, &ScriptPanel::stopRequested, m_presenter, [this] { m_presenter->setScript({}); });
    connect(m_presenter, &ConnectionPresenter::scriptLinesChanged, this, [this] {
        m_script->showLines(m_presenter->scriptLines());
        m_tests->showResults(m_presenter);
    });
    connect(m_tests, &TestsPanel::lineActivated, this, [this](int line) {
        showSidePanel(m_script);
        m_script->goToLine(line);
    });

    connect(m_presenter, &ConnectionPresenter::stateChanged, this, &ConnectionPage::onStateChanged);
    connect(
        m_presenter, &ConnectionPresenter::endingChanged, this, &ConnectionPage::updateControls);
    connect(m_presenter, &ConnectionPresenter::errorChanged, this, &ConnectionPage::showError);
    connect(m_presenter, &ConnectionPresenter::handshakeChanged, this,
        [this] { m_handshake->setPlainText(handshakeText()); });
    connect(m_presenter, &ConnectionPresenter::heartbeatChanged, this,
        [this] { m_heartbeat->refresh(m_presenter->nowUs()); });

    // Layout: the same proportions in every new tab (the window restores the user's).
    auto *urlBar = new QHBoxLayout;
    urlBar->addWidget(m_url, 1);
    urlBar->addWidget(m_connectButton);
    urlBar->addWidget(m_stateLabel);
    m_leftSplitter->addWidget(m_logPane);
    m_leftSplitter->addWidget(m_composer);
    m_leftSplitter->setStretchFactor(0, 4);
    m_leftSplitter->setStretchFactor(1, 1);
    m_leftSplitter->setSizes({750, 250});
    m_splitter->addWidget(m_leftSplitter);
    m_splitter->addWidget(m_sideTabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({600, 400});
    m_splitter->setChildrenCollapsible(false);
    m_leftSplitter->setChildrenCollapsible(false);
    connect(m_splitter, &QSplitter::splitterMoved, this, &ConnectionPage::splitterMoved);
    connect(m_leftSplitter, &QSplitter::splitterMoved, this, &ConnectionPage::splitterMoved);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(urlBar);
    layout->addWidget(m_error);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_status);

    const ConnectionSettings defaults = AppSettings::newConnectionDefaults();
    m_request->setSettings(defaults);
    m_heartbeat->setSettings(defaults.heartbeat);
    m_handshake->setPlainText(handshakeText());
    m_clock->setInterval(ClockIntervalMs);
    connect(m_clock, &QTimer::timeout, this, &ConnectionPage::tick);
    m_clock->start();
    updateControls();
    tick();
}

ConnectionPage::~ConnectionPage() = default; // the presenter shuts the connection down

void ConnectionPage::runScript()
{
    showSidePanel(m_script);
    m_script->run();
}

void ConnectionPage::stopScript()
{
    m_script->stop();
}

bool ConnectionPage::openScript(const QString &given)
{
    QString path = given;
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(
            this, tr("Open Script"), QString(), tr("JavaScript (*.js);;All files (*)"));
    if (path.isEmpty())
        return false;
    ScriptSource source;
    QString error;
    if (!ScriptSource::read(path, &source, &error)) {
        showError(error);
        return false;
    }
    m_script->setFile(path, source.code);
    showSidePanel(m_script);
    return true;
}

void ConnectionPage::showSidePanel(QWidget *panel)
{
    m_sideTabs->setCurrentWidget(panel);
}

MessageLogModel *ConnectionPage::logModel() const
{
    return m_presenter->model();
}

ConnectionHandle *ConnectionPage::connection() const
{
    return m_presenter->connection();
}

ConnectionState ConnectionPage::state() const
{
    return m_presenter->state();
}

void ConnectionPage::setSettings(const ConnectionSettings &given)
{
    ConnectionSettings settings = given;
    if (settings.recording.directory.isEmpty())
        settings.recording = AppSettings::recordingDefaults();
    setUrlText(settings.url.toString());
    m_request->setSettings(settings);
    m_heartbeat->setSettings(settings.heartbeat);
}

QString ConnectionPage::urlText() const
{
    return m_url->currentText().trimmed();
}

void ConnectionPage::setUrlText(const QString &url)
{
    m_url->setCurrentText(url);
}

bool ConnectionPage::collectSettings(ConnectionSettings *settings, QString *error) const
{
    ConnectionSettings s = m_presenter->settings();
    s.url = ConnectionSettings::parseUrl(urlText(), error);
    if (!s.url.isValid())
        return false;
    if (!m_request->applyTo(&s, error))
        return false;
    s.heartbeat = m_heartbeat->settings();
    const QString invalid = s.validate();
    if (!invalid.isEmpty()) {
        *error = invalid;
        return false;
    }
    *settings = s;
    return true;
}

QString ConnectionPage::title() const
{
    QString t = ConnectionPresenter::titleFor(QUrl(urlText()));
    if (!t.isEmpty())
        return t;
    return urlText().isEmpty() ? tr("New connection") : urlText();
}

void ConnectionPage::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QString ConnectionPage::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

bool ConnectionPage::connectNow()
{
    ConnectionSettings settings;
    QString error;
    if (!collectSettings(&settings, &error)) {
        showError(error);
        return false;
    }
    showError({});
    AppSettings::rememberRequestOptions(settings);
    m_presenter->open(settings);
    const QString url = settings.url.toString();
    AppSettings::addRecentUrl(url);
    if (m_url->findText(url) < 0)
        m_url->insertItem(0, url);
    Q_EMIT urlUsed(url);
    Q_EMIT titleChanged(title());
    return true;
}

void ConnectionPage::disconnectNow(quint16 code, const QString &reason)
{
    m_presenter->close(code, reason);
}

void ConnectionPage::closeWithCode()
{
    if (state() != ConnectionState::Open)
        return;
    CloseDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        disconnectNow(quint16(dialog.code()), dialog.reason());
}

void ConnectionPage::cancelConnect()
{
    m_presenter->cancel();
}

void ConnectionPage::toggleConnection()
{
    switch (state()) {
    case ConnectionState::Idle:
    case ConnectionState::Closed:
        connectNow();
        break;
    case ConnectionState::Connecting:
    case ConnectionState::Reconnecting:
        cancelConnect();
        break;
    case ConnectionState::Open:
        disconnectNow();
        break;
    case ConnectionState::Closing:
        break;
    }
}

void ConnectionPage::focusFilter()
{
    m_filter->focusSearch();
}

void ConnectionPage::focusUrl()
{
    m_url->setFocus(Qt::ShortcutFocusReason);
    m_url->lineEdit()->selectAll();
}

void ConnectionPage::clearLog()
{
    m_logPane->requestClear();
}

void ConnectionPage::setPaused(bool paused)
{
    m_logPane->setPaused(paused);
}

void ConnectionPage::startRecording(const QString &chosenPath)
{
    QString path = chosenPath;
    if (!connection()) {
        showError(tr("connect first, then record"));
        updateRecordButton();
        return;
    }
    if (path.isEmpty())
        path = QFileDialog::getSaveFileName(this, tr("Record to"),
            ConnectionPresenter::suggestedRecordingName(
                QUrl(urlText()), QDateTime::currentDateTime()),
            tr("Sockscope recordings (*.jsonl)"));
    if (!path.isEmpty()) {
        ConnectionSettings current;
        QString ignored;
        const bool keepSecrets
            = collectSettings(&current, &ignored) && current.recording.keepSecrets;
        m_presenter->startRecording(path, keepSecrets);
    }
    updateRecordButton();
}

void ConnectionPage::stopRecording()
{
    m_presenter->stopRecording();
    updateRecordButton();
}

QString ConnectionPage::recordingText() const
{
    const QString path = m_presenter->recordingPath();
    if (path.isEmpty())
        return tr("Record");
    return tr("%1 (%2)").arg(
        QFileInfo(path).fileName(), MessageLogModel::formatSize(m_presenter->recordingBytes()));
}

void ConnectionPage::updateRecordButton()
{
    const bool recording = !m_presenter->recordingPath().isEmpty();
    m_record->setChecked(recording);
    m_record->setText(recordingText());
    m_record->setIcon(recording ? recordingDot(palette(), 12) : QIcon());
    m_record->setToolTip(recording
            ? tr("Recording to %1; click to stop").arg(m_presenter->recordingPath())
            : tr("Record this connection to a file (written by its own thread)"));
}

bool ConnectionPage::replay(const ReplayPlan &plan)
{
    if (!connectNow())
        return false;
    return m_presenter->replay(plan);
}

void ConnectionPage::stopReplay()
{
    m_presenter->stopReplay();
}

void ConnectionPage::setShowWallClock(bool show)
{
    logModel()->setShowWallClock(show);
}

void ConnectionPage::setGuiLag(const LoopLag &lag)
{
    m_guiLag = lag;
}

void ConnectionPage::onStateChanged(ConnectionState state)
{
    updateControls();
    tick();
    Q_EMIT stateChanged(state);
}

QString ConnectionPage::stateText() const
{
    return m_presenter->stateText();
}

void ConnectionPage::updateControls()
{
    const ConnectionState state = this->state();
    const bool open = state == ConnectionState::Open;
    switch (state) {
    case ConnectionState::Idle:
    case ConnectionState::Closed:
        m_connectButton->setText(tr("Connect"));
        break;
    case ConnectionState::Connecting:
    case ConnectionState::Reconnecting:
        m_connectButton->setText(tr("Cancel"));
        break;
    case ConnectionState::Open:
    case ConnectionState::Closing:
        m_connectButton->setText(tr("Disconnect"));
        break;
    }
    m_connectButton->setEnabled(state != ConnectionState::Closing);
    m_connectButton->menu()->actions().first()->setEnabled(open);
    // While connected the URL can be read and copied (Ctrl+L) but not changed.
    const bool editable = state == ConnectionState::Idle || state == ConnectionState::Closed;
    m_url->lineEdit()->setReadOnly(!editable);
    m_url->view()->setEnabled(editable);
    m_request->setEnabled(editable);
    m_composer->setSendEnabled(open);
    m_heartbeat->setPingEnabled(open);
    const ConnectionPresenter::Ending &ending = m_presenter->ending();
    Theme::Role role = Theme::Role::Muted;
    if (open)
        role = Theme::Role::Success;
    else if (state == ConnectionState::Connecting || state == ConnectionState::Reconnecting
        || state == ConnectionState::Closing)
        role = Theme::Role::Warning;
    else if (ending.ended
        && (ending.closedBy != TrafficEvent::Closer::Local || ending.code != 1000))
        role = (ending.cause == TrafficEvent::CloseCause::Requested
                   || ending.cause == TrafficEvent::CloseCause::Cancelled)
            ? Theme::Role::Muted
            : Theme::Role::Warning;
    m_stateLabel->setTextRole(int(role));
    m_stateLabel->setText(stateText());
}

void ConnectionPage::tick()
{
    m_presenter->tick();
    m_heartbeat->refresh(m_presenter->nowUs());
    m_heartbeat->setThreadLag(m_presenter->socketLag(), m_guiLag);
    m_logPane->refresh();
    m_status->setText(statusText());
    if (!m_presenter->recordingPath().isEmpty())
        m_record->setText(recordingText());
}

QString ConnectionPage::statusText() const
{
    return m_presenter->statusText();
}

QString ConnectionPage::handshakeText() const
{
    return m_presenter->handshakeText();
}
