#include "RecordingPage.h"

#include "ConnectionHandle.h"
#include "OwnedThread.h"

#include "Theme.h"

#include "HarFormat.h"
#include "MessageDetailView.h"
#include "RecordingReader.h"
#include "TrafficLogPane.h"
#include "TrafficLogView.h"
#include "Units.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QThread>
#include <QVBoxLayout>

RecordingPage::RecordingPage(QWidget *parent)
    : QWidget(parent)
    , m_model(new MessageLogModel(this))
    , m_logPane(new TrafficLogPane(m_model, this))
    , m_detail(new MessageDetailView(this))
    , m_info(new QLabel(this))
    , m_problemsLabel(new QLabel(this))
    , m_serving(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_replay(new QPushButton(tr("Replay\u2026"), this))
    , m_testButton(new QPushButton(tr("Test\u2026"), this))
    , m_serve(new QPushButton(tr("Serve as mock server\u2026"), this))
    , m_export(new QPushButton(tr("Export HAR\u2026"), this))
    , m_mock(new MockServer(this))
    , m_testStatus(new QLabel(this))
    , m_testDetail(new QPlainTextEdit(this))
{
    m_logPane->setLive(false);
    m_logPane->view()->setSelectionMode(QAbstractItemView::ExtendedSelection);
    connect(m_logPane->view(), &TrafficLogView::currentRowChanged, this, [this](int row) {
        m_detail->showRow(m_model, row);
        showTestDetail(row);
    });
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setWordWrap(true);
    QPalette warning = m_problemsLabel->palette();
    warning.setColor(QPalette::WindowText, Theme::color(Theme::Role::Warning, palette()));
    m_problemsLabel->setPalette(warning);
    m_problemsLabel->setWordWrap(true);
    m_problemsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problemsLabel->hide();
    m_serving->hide();
    m_progress->setRange(0, 1000);
    m_progress->setFormat(tr("Reading %p%"));
    m_progress->hide();
    m_replay->setToolTip(
        tr("Send the recording's client messages (or the selected rows) to a server"));
    m_testButton->setToolTip(tr("Check a server against this recording: replay the client "
                                "messages and compare each server message with the recorded one"));
    m_serve->setToolTip(tr("Serve this recording on 127.0.0.1 as a mock server"));
    m_testStatus->setWordWrap(true);
    m_testStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testStatus->hide();
    m_testDetail->setReadOnly(true);
    m_testDetail->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_testDetail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_testDetail->setAccessibleName(tr("Test result"));
    m_testDetail->setPlaceholderText(tr("Select a row to see its step's result"));
    m_testDetail->hide();
    m_export->setToolTip(tr("Save this session as a HAR file for browser devtools"));
    m_logPane->view()->setEmptyText(tr("This recording holds no rows"));
    connect(m_replay, &QPushButton::clicked, this, &RecordingPage::askReplay);
    connect(m_testButton, &QPushButton::clicked, this, &RecordingPage::askTest);
    connect(m_serve, &QPushButton::clicked, this, &RecordingPage::askServe);
    connect(m_export, &QPushButton::clicked, this, &RecordingPage::askExportHar);
    connect(m_mock, &MockServer::clientConnected, this, &RecordingPage::updateServing);
    connect(m_mock, &MockServer::clientDisconnected, this, &RecordingPage::updateServing);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_info, 1);
    buttons->addWidget(m_replay);
    buttons->addWidget(m_testButton);
    buttons->addWidget(m_serve);
    buttons->addWidget(m_export);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_logPane);
    // The detail pane: the message, and under it, after a test, the differences of its step.
    auto *details = new QSplitter(Qt::Vertical, splitter);
    details->addWidget(m_detail);
    details->addWidget(m_testDetail);
    details->setStretchFactor(0, 3);
    details->setStretchFactor(1, 2);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_progress);
    layout->addWidget(m_problemsLabel);
    layout->addWidget(m_serving);
    layout->addWidget(m_testStatus);
    layout->addWidget(splitter, 1);
    for (QPushButton *b : {m_replay, m_testButton, m_serve, m_export})
        b->setEnabled(false);
}

RecordingPage::~RecordingPage()
{
    // A test still running ends here: its connection's thread is joined before this page's
    // members go, and what it reports no longer reaches them.
    if (m_testConnection) {
        disconnect(m_testConnection, nullptr, this, nullptr);
        delete m_testConnection;
    }
    m_cancel = true;
    // The reader sees the cancel and its thread ends by itself: joined, within the usual bound.
    if (m_loader)
        m_loader->join(QDeadlineTimer(OwnedThread::DefaultStopTimeoutMs));
}

QString RecordingPage::title() const
{
    return QStringLiteral("\u25b6 %1").arg(QFileInfo(m_name).fileName());
}

void RecordingPage::load(const QString &path)
{
    m_name = path;
    Q_EMIT titleChanged(title());
    m_progress->setValue(0);
    m_progress->show();
    m_info->setText(tr("Reading %1\u2026").arg(path));
    auto reader = std::make_shared<RecordingReader>();
    auto ok = std::make_shared<bool>(false);
    // Read in a thread of its own: the window stays responsive, and the GUI thread never reads the
    // file.
    if (m_loader) // a previous read ends by itself
        m_loader->join(QDeadlineTimer(OwnedThread::DefaultStopTimeoutMs));
    m_loader = std::make_unique<OwnedThread>(QStringLiteral("sockscope-recording-reader"));
    m_loader->start(
        new QObject,
        [this, path, reader, ok] {
            *ok = reader->read(
                path,
                [this](qint64 done, qint64 total) {
                    const int permille = total > 0 ? int(done * 1000 / total) : 1000;
                    QMetaObject::invokeMethod(
                        m_progress, [bar = m_progress, permille] { bar->setValue(permille); },
                        Qt::QueuedConnection);
                },
                &m_cancel);
            QMetaObject::invokeMethod(
                this,
                [this, reader, ok] {
                    if (m_cancel)
                        return;
                    m_header = reader->header();
                    m_batches = reader->batches();
                    finishLoading(*ok, reader->error(), reader->problemLines());
                },
                Qt::QueuedConnection);
            QThread::currentThread()->quit(); // read once: the thread ends here
        },
        false);
}

void RecordingPage::showSession(
    const QString &name, const RecordingHeader &header, const QList<TrafficBatch> &batches)
{
    m_name = name;
    m_header = header;
    m_batches = batches;
    finishLoading(true, {}, {});
}

void RecordingPage::finishLoading(bool ok, const QString &error, const QStringList &problems)
{
    m_progress->hide();
    m_problems = problems;
    if (!problems.isEmpty()) {
        m_problemsLabel->setText(
            tr("%n line(s) could not be read and were skipped: %1", nullptr, int(problems.size()))
                .arg(problems.mid(0, 5).join(QStringLiteral("; "))
                    + (problems.size() > 5 ? QStringLiteral("; \u2026") : QString())));
        m_problemsLabel->setToolTip(problems.join(QLatin1Char('\n')));
        m_problemsLabel->show();
    }
    if (!ok) {
        m_errorText = error;
        m_info->setText(
            QStringLiteral("<b style='color:%1'>%2</b>")
                .arg(Theme::color(Theme::Role::Error, palette()).name(), error.toHtmlEscaped()));
        Q_EMIT loaded(false);
        return;
    }
    m_model->setWallOrigin(m_header.startWallMs);
    for (const TrafficBatch &batch : std::as_const(m_batches))
        m_model->enqueue(batch);
    m_model->commitPending();
    m_loaded = true;
    for (QPushButton *b : {m_replay, m_testButton, m_serve, m_export})
        b->setEnabled(true);
    updateInfo();
    Q_EMIT titleChanged(title());
    Q_EMIT loaded(true);
}

void RecordingPage::updateInfo()
{
    const MessageLogModel::Statistics &st = m_model->statistics();
    qint64 firstUs = 0;
    qint64 lastUs = 0;
    if (!m_batches.isEmpty() && !m_batches.first().events.isEmpty()) {
        firstUs = m_batches.first().events.first().timeUs;
        lastUs = m_batches.last().events.last().timeUs;
    }
    const QStringList facts {m_header.url.toString().toHtmlEscaped(),
        tr("recorded %1")
            .arg(QDateTime::fromMSecsSinceEpoch(m_header.startWallMs)
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
        tr("%1 s").arg((lastUs - firstUs) / 1e6, 0, 'f', 3),
        tr("%L1 events").arg(m_model->totalRows()),
        tr("in %L1 msgs (%2)").arg(st.messagesIn).arg(MessageLogModel::formatSize(st.bytesIn)),
        tr("out %L1 msgs (%2)").arg(st.messagesOut).arg(MessageLogModel::formatSize(st.bytesOut))};
    m_info->setText(QStringLiteral("<b>%1</b><br>%2")
                        .arg(QFileInfo(m_name).fileName().toHtmlEscaped(),
                            Units::joinFacts(facts, QStringLiteral(" \u00b7 "))));
}

ReplayPlan RecordingPage::replayPlan(bool selectedOnly) const
{
    QList<qint64> ids;
    if (selectedOnly) {
        for (const QModelIndex &index : m_logPane->view()->selectionModel()->selectedRows())
            ids << m_model->idAt(index.row()); // a recording's rows are its events, in order
        std::sort(ids.begin(), ids.end());
    }
    return ReplayPlan::fromBatches(m_batches, ids);
}

void RecordingPage::askReplay()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Replay to a server"));
    QLineEdit *url = serverField(m_header.url.toString(), &dialog);
    auto *speed = new QComboBox(&dialog);
    for (double factor : {0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0})
        speed->addItem(QStringLiteral("%1\u00d7").arg(factor), factor);
    speed->addItem(tr("As fast as possible"), 0.0);
    speed->setCurrentIndex(2);
    auto *waitReply = new QCheckBox(tr("Wait for a reply before the next message"), &dialog);
    auto *selected = new QCheckBox(tr("Only the selected rows"), &dialog);
    selected->setEnabled(m_logPane->view()->selectionModel()->selectedRows().size() > 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("Server:"), url);
    form->addRow(tr("Speed:"), speed);
    form->addRow(waitReply);
    form->addRow(selected);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    ConnectionSettings settings;
    if (!settingsFor(url->text(), &settings, &error)) {
        QMessageBox::warning(this, tr("Replay"), error);
        return;
    }
    ReplayPlan plan = replayPlan(selected->isChecked());
    plan.speed = speed->currentData().toDouble();
    plan.waitForReply = waitReply->isChecked();
    if (plan.isEmpty()) {
        QMessageBox::information(this, tr("Replay"), tr("There are no client messages to replay."));
        return;
    }
    Q_EMIT replayRequested(settings, plan);
}

bool RecordingPage::settingsFor(
    const QString &url, ConnectionSettings *settings, QString *error) const
{
    settings->url = ConnectionSettings::parseUrl(url, error);
    if (!settings->url.isValid())
        return false;
    if (SecretRedaction::isRedacted(settings->url)) {
        *error = tr("The recorded URL had its secrets redacted: type the server's real URL in "
                    "the Server field.");
        return false;
    }
    settings->subprotocols = m_header.offeredSubprotocols;
    for (const HttpHeader &h : m_header.requestHeaders) {
        QString ignored; // a redacted secret, or a header the handshake sets itself: leave it out
        if (h.value != RecordingFormat::Redacted)
            settings->addHeader(QString::fromLatin1(h.name), QString::fromUtf8(h.value), &ignored);
    }
    return true;
}

QLineEdit *RecordingPage::serverField(const QString &url, QWidget *dialog)
{
    auto *field = new QLineEdit(url, dialog);
    field->setAccessibleName(tr("Server"));
    // Wide enough for the whole URL (up to 80 characters), never narrower than 40.
    const QFontMetrics metrics = field->fontMetrics();
    const int chars = metrics.averageCharWidth();
    field->setMinimumWidth(
        qBound(40 * chars, metrics.horizontalAdvance(url) + 2 * chars, 80 * chars));
    return field;
}

void RecordingPage::askTest()
{
    if (isTesting())
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Test a server against this recording"));
    QLineEdit *url
        = serverField(m_testUrl.isEmpty() ? m_header.url.toString() : m_testUrl, &dialog);
    auto *ignore = new QLineEdit(&dialog);
    ignore->setAccessibleName(tr("Ignore"));
    ignore->setPlaceholderText(tr("/ts /items/*/id"));
    ignore->setToolTip(tr("JSON Pointers of values not to compare, separated by spaces; * stands "
                          "for any key or index"));
    auto *unordered
        = new QCheckBox(tr("Match a step's server messages by content, in any order"), &dialog);
    auto *fast = new QCheckBox(tr("As fast as the server answers"), &dialog);
    fast->setChecked(true);
    auto *timeout = new QSpinBox(&dialog);
    timeout->setRange(1, 600);
    timeout->setValue(5);
    timeout->setSuffix(tr(" s"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("Server:"), url);
    form->addRow(tr("Ignore:"), ignore);
    form->addRow(tr("Wait for replies:"), timeout);
    form->addRow(unordered);
    form->addRow(fast);
    form->addRow(buttons);
    ignore->setFocus(); // the server is filled in; what changes between runs is what to type
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    ConnectionSettings settings;
    if (!settingsFor(url->text(), &settings, &error)) {
        QMessageBox::warning(this, tr("Test"), error);
        return;
    }
    RecordingTest::Options options;
    options.unordered = unordered->isChecked();
    for (const QString &text : ignore->text().split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        JsonPointerPattern pattern;
        if (!JsonPointerPattern::parse(text, &pattern, &error)) {
            QMessageBox::warning(this, tr("Test"), error);
            return;
        }
        options.ignore.append(pattern);
    }
    runTest(settings, options, fast->isChecked() ? 0.0 : 1.0, timeout->value() * 1000);
}

void RecordingPage::runTest(const ConnectionSettings &settings,
    const RecordingTest::Options &options, double speed, int timeoutMs)
{
    if (isTesting())
        return;
    m_test = std::make_unique<RecordingTest>(m_batches, options);
    if (m_test->clientMessages() == 0) {
        m_test.reset();
        QMessageBox::information(
            this, tr("Test"), tr("There are no client messages to test with."));
        return;
    }
    m_stepStarts.clear();
    for (const RecordingTest::Step &step : m_test->recordedSteps()) {
        if (step.hasSent)
            m_stepStarts.append(step.sent.eventIndex);
    }
    m_testUrl = settings.url.toString();
    ConnectionSettings s = settings;
    s.reconnect.enabled = false; // a lost connection is a failed test
    s.heartbeat.enabled = false;
    m_testConnection = new ConnectionHandle(s, this);
    connect(m_testConnection, &ConnectionHandle::eventsReceived, this,
        [this](const TrafficBatch &batch) { onTestEvents(batch); });
    connect(m_testConnection, &ConnectionHandle::replayFinished, this, [this] {
        if (m_testConnection->state() == ConnectionState::Open)
            m_testConnection->requestClose(1000);
    });
    connect(m_testConnection, &ConnectionHandle::stateChanged, this, [this](ConnectionState state) {
        if (state == ConnectionState::Closed)
            finishTest();
    });
    m_model->setVerdicts({});
    m_testButton->setEnabled(false);
    m_testStatus->setText(tr("Testing against %1\u2026").arg(m_testUrl.toHtmlEscaped()));
    m_testStatus->show();
    m_testDetail->clear();
    m_testDetail->show();
    m_testConnection->startReplay(m_test->plan(speed, timeoutMs));
    m_testConnection->open();
}

void RecordingPage::onTestEvents(const TrafficBatch &batch)
{
    if (!m_test || m_test->isFinished())
        return;
    m_test->addLive(batch);
    applyVerdicts(m_test->takeNewResults());
}

void RecordingPage::finishTest()
{
    if (!m_test || m_test->isFinished())
        return;
    // Events still on their way from the connection's thread belong to the test.
    m_testConnection->beginShutdown();
    m_testConnection->waitForShutdown(QDeadlineTimer(OwnedThread::DefaultStopTimeoutMs));
    QCoreApplication::sendPostedEvents(m_testConnection);
    m_test->finish(m_testConnection->clock().elapsedUs());
    applyVerdicts(m_test->takeNewResults());
    m_testConnection->deleteLater();
    m_testConnection = nullptr;
    m_testButton->setEnabled(true);
    m_testStatus->setText(testSummary());
    showTestDetail(m_logPane->view()->currentIndex().row());
    Q_EMIT testFinished(m_test->passed());
}

QString RecordingPage::testSummary() const
{
    if (!m_test)
        return {};
    if (!m_test->isFinished())
        return m_testStatus->text();
    const int steps = int(m_test->results().size());
    const int failed = m_test->failedSteps();
    const QString color
        = Theme::color(failed == 0 ? Theme::Role::Success : Theme::Role::Error, palette()).name();
    const QString verdict = failed == 0 ? tr("\u2713 all %1 steps matched").arg(steps)
                                        : tr("\u2717 %1 of %2 steps failed").arg(failed).arg(steps);
    return tr("<b style='color:%1'>%2</b> against %3")
        .arg(color, verdict, m_testUrl.toHtmlEscaped());
}

void RecordingPage::applyVerdicts(const QList<RecordingTest::StepResult> &results)
{
    using Verdict = MessageLogModel::Verdict;
    QHash<qint64, Verdict> verdicts;
    const QList<RecordingTest::Step> &steps = m_test->recordedSteps();
    for (const RecordingTest::StepResult &result : results) {
        const RecordingTest::Step &step = steps.at(result.number);
        if (step.hasSent)
            verdicts.insert(
                step.sent.eventIndex, result.passed ? Verdict::Passed : Verdict::Failed);
        for (const RecordingTest::MessageResult &m : result.messages) {
            if (m.recorded >= 0)
                verdicts.insert(step.replies.at(m.recorded).eventIndex,
                    m.outcome == RecordingTest::Outcome::Matched ? Verdict::Passed
                                                                 : Verdict::Failed);
        }
    }
    m_model->addVerdicts(verdicts);
}

int RecordingPage::stepOfRow(int row) const
{
    if (row < 0)
        return -1;
    // A row belongs to the step of the last client message at or before it.
    const qint64 id = m_model->idAt(row);
    const auto after = std::upper_bound(m_stepStarts.cbegin(), m_stepStarts.cend(), id);
    return int(after - m_stepStarts.cbegin());
}

QString RecordingPage::testDetailText() const
{
    return m_testDetail->toPlainText();
}

void RecordingPage::showTestDetail(int row)
{
    if (!m_test)
        return;
    const int step = stepOfRow(row);
    for (const RecordingTest::StepResult &result : m_test->results()) {
        if (result.number == step) {
            m_testDetail->setPlainText(result.lines().join(QLatin1Char('\n')));
            return;
        }
    }
    m_testDetail->setPlainText(step < 0 ? QString() : tr("Step %1 has no result yet").arg(step));
}

bool RecordingPage::serve(MockServer::Mode mode, quint16 port, QString *error)
{
    const QList<MockServer::Message> messages = MockServer::messagesOf(m_batches);
    if (!m_mock->listen(messages, mode, QHostAddress::LocalHost, port, error))
        return false;
    m_serve->setText(tr("Stop serving"));
    updateServing();
    return true;
}

void RecordingPage::askServe()
{
    if (m_mock->port() != 0) {
        m_mock->stop();
        m_serve->setText(tr("Serve as mock server\u2026"));
        m_serving->hide();
        return;
    }
    bool ok = false;
    const QString mode = QInputDialog::getItem(this, tr("Serve as mock server"),
        tr("Each client that connects on 127.0.0.1 gets the recorded server "
           "messages:"),
        {tr("with their original timing"), tr("in reply to its own messages")}, 0, false, &ok);
    if (!ok)
        return;
    QString error;
    if (!serve(mode == tr("with their original timing") ? MockServer::Mode::Timed
                                                        : MockServer::Mode::Reply,
            0, &error))
        QMessageBox::warning(this, tr("Serve as mock server"), error);
}

void RecordingPage::updateServing()
{
    if (m_mock->port() == 0) {
        m_serving->hide();
        return;
    }
    const QStringList clients = m_mock->clients();
    m_serving->setText(
        tr("Serving on <b>%1</b> \u2014 %2")
            .arg(m_mock->url().toString(),
                clients.isEmpty() ? tr("no client connected")
                                  : tr("connected: %1").arg(clients.join(QStringLiteral(", ")))));
    m_serving->show();
}

bool RecordingPage::exportHar(const QString &path, QString *error) const
{
    HarFormat::Session session;
    session.header = m_header;
    for (const TrafficBatch &batch : m_batches)
        session.events.events += batch.materialized();
    QSaveFile file(path);
    const QByteArray har = HarFormat::exportSessions({session});
    if (file.open(QIODevice::WriteOnly) && file.write(har) == har.size() && file.commit())
        return true;
    *error = tr("cannot write %1: %2").arg(path, file.errorString());
    return false;
}

void RecordingPage::askExportHar()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export HAR"),
        QFileInfo(m_name).completeBaseName() + QStringLiteral(".har"), tr("HAR files (*.har)"));
    QString error;
    if (!path.isEmpty() && !exportHar(path, &error))
        QMessageBox::warning(this, tr("Export HAR"), error);
}
