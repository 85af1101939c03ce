#pragma once

#include "MessageLogModel.h"
#include "MockServer.h"
#include "RecordingFormat.h"
#include "RecordingTest.h"
#include "ReplayPlan.h"

#include <QWidget>

#include <memory>

#include <atomic>

class ConnectionHandle;
class MessageDetailView;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class OwnedThread;
class TrafficLogPane;

// An opened recording (or a session imported from HAR), read-only, with the same log, filter,
// detail pane and statistics as a live connection. It is read in a thread of its own with
// progress shown, so the window stays responsive; malformed lines are listed and the rest loads.
// From here a recording can be replayed to a server, tested against one (each row gets a pass or
// fail verdict, and the detail pane shows its step's differences), served as a mock server, or
// exported as HAR.
class RecordingPage : public QWidget
{
    Q_OBJECT
public:
    explicit RecordingPage(QWidget *parent = nullptr);
    ~RecordingPage() override; // cancels reading, stops serving, joins threads

    void load(const QString &path);
    void showSession(
        const QString &name, const RecordingHeader &header, const QList<TrafficBatch> &batches);

    bool isLoaded() const { return m_loaded; }
    QString title() const;
    QString errorText() const { return m_errorText; }
    QStringList problems() const { return m_problems; }
    const RecordingHeader &header() const { return m_header; }
    MessageLogModel *logModel() const { return m_model; }
    TrafficLogPane *logPane() const { return m_logPane; }
    MessageDetailView *detailView() const { return m_detail; }
    MockServer *mockServer() const { return m_mock; }

    // All client messages, or only those of the selected rows.
    ReplayPlan replayPlan(bool selectedOnly) const;
    bool serve(MockServer::Mode mode, quint16 port, QString *error);
    // Runs the recording as a test against settings.url on a connection of its own (the
    // engine's thread sends and receives; this page only compares what it reports).
    void runTest(const ConnectionSettings &settings, const RecordingTest::Options &options,
        double speed, int timeoutMs);
    bool isTesting() const { return m_testConnection != nullptr; }
    const RecordingTest *test() const { return m_test.get(); }
    QString testSummary() const; // the line above the log
    QString testDetailText() const; // the selected row's step, as the detail pane shows it
    bool exportHar(const QString &path, QString *error) const;

public Q_SLOTS:
    void askReplay();
    void askTest();
    void askServe();
    void askExportHar();

Q_SIGNALS:
    void loaded(bool ok);
    void titleChanged(const QString &title);
    // The window opens a live connection to settings.url and replays the plan on it.
    void replayRequested(const ConnectionSettings &settings, const ReplayPlan &plan);
    void testFinished(bool passed);

private:
    void finishLoading(bool ok, const QString &error, const QStringList &problems);
    void updateInfo();
    void updateServing();
    // The recorded URL's settings for another URL: subprotocols and headers as recorded, secrets
    // that were redacted left out; refused for a URL that still holds a redaction placeholder.
    bool settingsFor(const QString &url, ConnectionSettings *settings, QString *error) const;
    // The Server field of the Replay and Test dialogs, wide enough to show a URL.
    static QLineEdit *serverField(const QString &url, QWidget *dialog);
    void onTestEvents(const TrafficBatch &batch);
    void finishTest();
    void applyVerdicts(const QList<RecordingTest::StepResult> &results);
    void showTestDetail(int row);
    int stepOfRow(int row) const;

    QString m_name;
    RecordingHeader m_header;
    QList<TrafficBatch> m_batches;
    QStringList m_problems;
    QString m_errorText;
    bool m_loaded = false;
    std::atomic<bool> m_cancel {false};
    std::unique_ptr<OwnedThread> m_loader; // reads the file in a thread of its own

    MessageLogModel *m_model;
    TrafficLogPane *m_logPane;
    MessageDetailView *m_detail;
    QLabel *m_info;
    QLabel *m_problemsLabel;
    QLabel *m_serving;
    QProgressBar *m_progress;
    QPushButton *m_replay;
    QPushButton *m_testButton;
    QPushButton *m_serve;
    QPushButton *m_export;
    MockServer *m_mock;
    QLabel *m_testStatus;
    QPlainTextEdit *m_testDetail;
    std::unique_ptr<RecordingTest> m_test;
    ConnectionHandle *m_testConnection = nullptr;
    QString m_testUrl;
    QList<qint64> m_stepStarts; // the row id of each step's sent message, from step 1
};
