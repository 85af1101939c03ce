#include "ConnectionPage.h"

#include "AppSettings.h"
#include "CloseCode.h"
#include "CloseDialog.h"
#include "Composer.h"
#include "ConnectionHandle.h"
#include "ConnectionManager.h"
#include "FilterBar.h"
#include "HeartbeatPanel.h"
#include "MessageDetailView.h"
#include "RequestPanel.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"

#include <QDateTime>
#include <QFileDialog>

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

using Kind = TrafficEvent::Kind;

namespace {
constexpr int ClockIntervalMs = 250;

QString formatDuration(qint64 us)
{
    const qint64 s = us / 1000000;
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600, 2, 10, QLatin1Char('0'))
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

ConnectionPage::ConnectionPage(
    ConnectionManager *manager, SavedMessages *savedMessages, QWidget *parent)
    : QWidget(parent)
    , m_manager(manager)
    , m_model(new MessageLogModel(this))
    , m_url(new QComboBox(this))
    , m_connectButton(new QToolButton(this))
    , m_stateLabel(new QLabel(this))
    , m_error(new QLabel(this))
    , m_logPane(new TrafficLogPane(m_model, this))
    , m_record(new QToolButton(this))
    , m_composer(new Composer(savedMessages, this))
    , m_sideTabs(new QTabWidget(this))
    , m_detail(new MessageDetailView(this))
    , m_heartbeat(new HeartbeatPanel(this))
    , m_request(new RequestPanel(this))
    , m_handshake(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_clock(new QTimer(this))
{
    // URL bar.
    m_url->setEditable(true);
    m_url->setInsertPolicy(QComboBox::NoInsert);
    m_url->addItems(AppSettings::recentUrls());
    m_url->setCurrentText(QString());
    m_url->lineEdit()->setPlaceholderText(tr("ws:// or wss:// URL"));
    m_url->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_url->setAccessibleName(tr("URL"));
    connect(m_url->lineEdit(), &QLineEdit::returnPressed, this, &ConnectionPage::toggleConnection);
    connect(m_url, &QComboBox::currentTextChanged, this, [this] { Q_EMIT titleChanged(title()); });
    m_connectButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_connectButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_connectButton->setMinimumWidth(
        fontMetrics().horizontalAdvance(QStringLiteral("Disconnect")) + 40);
    auto *connectMenu = new QMenu(m_connectButton);
    connectMenu->addAction(tr("Close with code\u2026"), this, &ConnectionPage::closeWithCode);
    connectMenu->addAction(tr("Stop replay"), this, &ConnectionPage::stopReplay);
    m_connectButton->setMenu(connectMenu);
    connect(m_connectButton, &QToolButton::clicked, this, &ConnectionPage::toggleConnection);
    m_stateLabel->setMinimumWidth(
        fontMetrics().horizontalAdvance(QStringLiteral("reconnecting\u2026")) + 16);
    m_stateLabel->setAlignment(Qt::AlignCenter);
    m_error->setStyleSheet(QStringLiteral("color: #c01c28"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    m_filter = m_logPane->filterBar();
    m_log = m_logPane->view();
    connect(m_logPane, &TrafficLogPane::cleared, m_detail, &MessageDetailView::clear);
    m_record->setText(tr("Record"));
    m_record->setCheckable(true);
    m_record->setToolTip(tr("Record this connection to a file (written by its own thread)"));
    connect(m_record, &QToolButton::clicked, this, [this](bool on) {
        if (on)
            startRecording();
        else
            stopRecording();
    });
    m_logPane->toolbar()->insertWidget(3, m_record);
    connect(m_log, &TrafficLogView::currentRowChanged, this,
        [this](int row) { m_detail->showRow(m_model, row); });
    connect(m_composer, &Composer::sendText, this, [this](const QString &text) {
        if (m_connection)
            m_connection->sendText(text);
    });
    connect(m_composer, &Composer::sendBinary, this, [this](const QByteArray &data) {
        if (m_connection)
            m_connection->sendBinary(data);
    });
    connect(m_heartbeat, &HeartbeatPanel::settingsChanged, this,
        [this](const HeartbeatSettings &settings) {
            AppSettings::setHeartbeatDefaults(settings);
            if (m_connection)
                m_connection->setHeartbeat(settings); // live, no reconnect
        });
    connect(m_heartbeat, &HeartbeatPanel::pingRequested, this, [this] {
        if (m_connection)
            m_connection->pingNow();
    });

    m_handshake->setReadOnly(true);
    m_handshake->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_handshake->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_sideTabs->addTab(m_detail, tr("Message"));
    m_sideTabs->addTab(m_heartbeat, tr("Heartbeat"));
    m_sideTabs->addTab(m_request, tr("Request"));
    m_sideTabs->addTab(m_handshake, tr("Handshake"));

    // Layout.
    auto *urlBar = new QHBoxLayout;
    urlBar->addWidget(m_url, 1);
    urlBar->addWidget(m_connectButton);
    urlBar->addWidget(m_stateLabel);
    auto *leftSplitter = new QSplitter(Qt::Vertical, this);
    leftSplitter->addWidget(m_logPane);
    leftSplitter->addWidget(m_composer);
    leftSplitter->setStretchFactor(0, 4);
    leftSplitter->setStretchFactor(1, 1);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(leftSplitter);
    splitter->addWidget(m_sideTabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(urlBar);
    layout->addWidget(m_error);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);

    m_heartbeat->setSettings(AppSettings::heartbeatDefaults());
    ConnectionSettings defaults;
    defaults.recording
        = AppSettings::recordingDefaults(); // "record every connection" is a preference
    m_request->setSettings(defaults);
    m_clock->setInterval(ClockIntervalMs);
    connect(m_clock, &QTimer::timeout, this, &ConnectionPage::tick);
    m_clock->start();
    updateControls();
    tick();
}

ConnectionPage::~ConnectionPage()
{
    if (m_connection)
        m_manager->removeConnection(m_connection); // joins the connection thread
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
    ConnectionSettings s = m_lastSettings;
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
    const QUrl url(urlText());
    if (!url.isValid() || url.host().isEmpty())
        return urlText().isEmpty() ? tr("New connection") : urlText();
    QString t = url.host();
    if (url.port() > 0)
        t += QLatin1Char(':') + QString::number(url.port());
    return t + url.path();
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
    m_lastSettings = settings;
    AppSettings::setRecordingDefaults(settings.recording);
    if (!m_connection) {
        m_connection = m_manager->createConnection(settings);
        m_model->setWallOrigin(m_connection->clock().wallOriginMs());
        connect(m_connection, &ConnectionHandle::eventsReceived, this, &ConnectionPage::onEvents);
        connect(
            m_connection, &ConnectionHandle::stateChanged, this, &ConnectionPage::onStateChanged);
        connect(
            m_manager, &ConnectionManager::connectionRemoved, this, [this](ConnectionHandle *c) {
                if (c == m_connection)
                    m_connection = nullptr;
            });
        m_connection->open();
    } else {
        m_connection->openWith(settings);
    }
    m_handshakeRequest = requestLines(settings);
    m_handshakeResponse = tr("(waiting for the server)");
    m_handshake->setPlainText(handshakeText());
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
    if (m_connection)
        m_connection->requestClose(code, reason);
}

void ConnectionPage::closeWithCode()
{
    if (m_state != ConnectionState::Open)
        return;
    CloseDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        disconnectNow(quint16(dialog.code()), dialog.reason());
}

void ConnectionPage::cancelConnect()
{
    if (m_connection)
        m_connection->cancel();
}

void ConnectionPage::toggleConnection()
{
    switch (m_state) {
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

void ConnectionPage::clearLog()
{
    m_model->clear();
    m_detail->clear();
}

void ConnectionPage::setPaused(bool paused)
{
    m_logPane->setPaused(paused);
}

void ConnectionPage::startRecording(const QString &chosenPath)
{
    QString path = chosenPath;
    if (path.isEmpty()) {
        const QString host = QUrl(urlText()).host();
        const QString suggested
            = QStringLiteral("%1-%2.sockscope.jsonl")
                  .arg(host.isEmpty() ? QStringLiteral("session") : host,
                      QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
        path = QFileDialog::getSaveFileName(
            this, tr("Record to"), suggested, tr("Sockscope recordings (*.jsonl)"));
    }
    if (path.isEmpty() || !m_connection) {
        m_record->setChecked(false);
        if (!m_connection)
            showError(tr("connect first, then record"));
        return;
    }
    ConnectionSettings current;
    QString ignored;
    const bool keepSecrets = collectSettings(&current, &ignored) && current.recording.keepSecrets;
    m_connection->startRecording(path, keepSecrets);
    m_recordingPath = path;
    m_record->setChecked(true);
    m_record->setText(tr("Recording\u2026"));
}

bool ConnectionPage::replay(const ReplayPlan &plan)
{
    if (!connectNow())
        return false;
    if (!m_replayConnected) { // Qt::UniqueConnection does not apply to lambdas
        m_replayConnected = true;
        connect(m_connection, &ConnectionHandle::replayProgress, this, [this](int sent, int total) {
            m_replayStatus = tr("replay: %1 of %2 sent").arg(sent).arg(total);
        });
        connect(m_connection, &ConnectionHandle::replayFinished, this,
            [this](bool, const QString &detail) { m_replayStatus = detail; });
    }
    m_replayStatus = tr("replay: waiting for the connection");
    m_connection->startReplay(plan);
    return true;
}

void ConnectionPage::stopReplay()
{
    if (m_connection)
        m_connection->cancelReplay();
}

void ConnectionPage::stopRecording()
{
    if (m_connection)
        m_connection->stopRecording();
    m_recordingPath.clear();
    m_record->setChecked(false);
    m_record->setText(tr("Record"));
}

void ConnectionPage::setShowWallClock(bool show)
{
    m_model->setShowWallClock(show);
}

void ConnectionPage::setGuiLag(const LoopLag &lag)
{
    m_guiLag = lag;
}

void ConnectionPage::onEvents(const TrafficBatch &batch, const LoopLag &socketLag)
{
    m_socketLag = socketLag;
    for (const TrafficEvent &e : batch.events) {
        switch (e.kind) {
        case Kind::Pong:
            m_heartbeat->addPong(e.timeUs, e.durationUs);
            break;
        case Kind::PongTimeout:
            m_heartbeat->addPongTimeout(e.timeUs, e.sequence);
            break;
        case Kind::Connecting:
            m_heartbeat->resetSession();
            m_openedAtUs = -1;
            m_closedAtUs = -1;
            break;
        case Kind::Open:
            m_openedAtUs = e.timeUs;
            m_handshakeResponse = e.text.isEmpty()
                ? tr("HTTP/1.1 101 Switching Protocols\nNo subprotocol negotiated")
                : tr("HTTP/1.1 101 Switching Protocols\nSec-WebSocket-Protocol: %1").arg(e.text);
            m_handshake->setPlainText(handshakeText());
            showError({});
            break;
        case Kind::Error:
            if (m_state == ConnectionState::Connecting) {
                m_handshakeResponse = e.code > 0
                    ? tr("HTTP status %1 (upgrade refused)\n%2").arg(e.code).arg(e.text)
                    : tr("Failed: %1").arg(e.text);
                m_handshake->setPlainText(handshakeText());
                showError(e.text);
            }
            break;
        case Kind::Close:
            m_closedAtUs = e.timeUs;
            m_heartbeat->resetSession();
            break;
        default:
            break;
        }
    }
    if (!batch.isEmpty())
        m_model->enqueue(batch);
}

void ConnectionPage::onStateChanged(ConnectionState state)
{
    m_state = state;
    updateControls();
    tick();
    Q_EMIT stateChanged(state);
}

void ConnectionPage::updateControls()
{
    const bool open = m_state == ConnectionState::Open;
    switch (m_state) {
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
    m_connectButton->setEnabled(m_state != ConnectionState::Closing);
    m_connectButton->menu()->actions().first()->setEnabled(open);
    m_url->setEnabled(m_state == ConnectionState::Idle || m_state == ConnectionState::Closed);
    m_request->setEnabled(m_url->isEnabled());
    m_composer->setSendEnabled(open);
    m_heartbeat->setPingEnabled(open);
    static const char *colours[]
        = {"#6e6e78", "#b35c00", "#26a269", "#b35c00", "#b35c00", "#6e6e78"};
    m_stateLabel->setText(
        QStringLiteral("<b style='color:%1'>%2</b>")
            .arg(QLatin1String(colours[int(m_state)]), connectionStateName(m_state)));
}

void ConnectionPage::tick()
{
    const qint64 nowUs = m_connection ? m_connection->clock().elapsedUs() : 0;
    const MessageLogModel::Statistics &st = m_model->statistics();
    const double dt = (nowUs - m_lastStatsUs) / 1e6;
    if (dt > 0.9) {
        // Smoothed so the figure reads steadily.
        m_rateIn = 0.5 * m_rateIn + 0.5 * (st.messagesIn - m_lastStats.messagesIn) / dt;
        m_rateOut = 0.5 * m_rateOut + 0.5 * (st.messagesOut - m_lastStats.messagesOut) / dt;
        m_lastStats = st;
        m_lastStatsUs = nowUs;
    }
    m_heartbeat->refresh(nowUs);
    m_heartbeat->setThreadLag(m_socketLag, m_guiLag);
    m_logPane->refresh();
    m_status->setText(statusText());
}

QString ConnectionPage::statusText() const
{
    const MessageLogModel::Statistics &st = m_model->statistics();
    QString duration;
    if (m_openedAtUs >= 0) {
        const qint64 end = m_closedAtUs > m_openedAtUs
            ? m_closedAtUs
            : (m_connection ? m_connection->clock().elapsedUs() : 0);
        duration = formatDuration(end - m_openedAtUs);
    }
    QStringList parts {connectionStateName(m_state)};
    if (!duration.isEmpty())
        parts << duration;
    parts
        << tr("in %L1 msgs (%2)").arg(st.messagesIn).arg(MessageLogModel::formatSize(st.bytesIn))
        << tr("out %L1 msgs (%2)").arg(st.messagesOut).arg(MessageLogModel::formatSize(st.bytesOut))
        << tr("%L1 msg/s in, %L2 msg/s out").arg(qRound64(m_rateIn)).arg(qRound64(m_rateOut));
    if (m_heartbeat->isStalled())
        parts << m_heartbeat->stallText();
    if (!m_replayStatus.isEmpty())
        parts << m_replayStatus;
    return parts.join(QStringLiteral("  \u00b7  "));
}

QString ConnectionPage::requestLines(const ConnectionSettings &s) const
{
    QString path = s.url.path(QUrl::FullyEncoded);
    if (path.isEmpty())
        path = QStringLiteral("/");
    if (s.url.hasQuery())
        path += QLatin1Char('?') + s.url.query(QUrl::FullyEncoded);
    QStringList lines {QStringLiteral("GET %1 HTTP/1.1").arg(path),
        QStringLiteral("Host: %1%2")
            .arg(s.url.host(),
                s.url.port() > 0 ? QStringLiteral(":%1").arg(s.url.port()) : QString()),
        QStringLiteral("Upgrade: websocket"), QStringLiteral("Connection: Upgrade"),
        QStringLiteral("Sec-WebSocket-Key: (random, per connection)"),
        QStringLiteral("Sec-WebSocket-Version: 13")};
    if (!s.origin.isEmpty())
        lines << QStringLiteral("Origin: %1").arg(s.origin);
    if (!s.subprotocols.isEmpty())
        lines << QStringLiteral("Sec-WebSocket-Protocol: %1")
                     .arg(s.subprotocols.join(QStringLiteral(", ")));
    for (const HttpHeader &h : s.headers)
        lines << QStringLiteral("%1: %2").arg(
            QString::fromLatin1(h.name), QString::fromUtf8(h.value));
    return lines.join(QLatin1Char('\n'));
}

QString ConnectionPage::handshakeText() const
{
    return tr("Request\n-------\n%1\n\nResponse\n--------\n%2\n")
        .arg(m_handshakeRequest, m_handshakeResponse);
}
