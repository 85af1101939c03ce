// Figures for the window, each next to a baseline measured in the same run. Prints Markdown rows.
//
//   window ingest     1,000,000 x 64-byte text messages through engine, batches, log model and the
//                     shown (offscreen) window, until every row is committed to the model;
//                     baseline: a bare QWebSocket in a worker thread counting the same flood.
//   GUI lag           how late the GUI thread ran a 10 ms timer during that flood (p99, max);
//                     baseline: the same probe with the window idle.
//   memory            resident bytes per stored 64-byte message after the flood;
//                     baseline: the 64 bytes of payload itself.
//   filter            a substring filter over the 1,000,000 rows, in the model;
//                     baseline: QSortFilterProxyModel filtering the same rows (no view attached).
//   huge row click    selecting a row holding a 100,000,000-character text message until the
//                     window has repainted (how long the GUI thread is busy);
//                     baseline: the same for a 100 MB binary message.
#include "BenchSupport.h"
#include "ConnectionPage.h"
#include "ConnectionPresenter.h"
#include "FloodServer.h"
#include "LoopLagProbe.h"
#include "MainWindow.h"
#include "MessageLogModel.h"
#include "TrafficLogView.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSortFilterProxyModel>
#include <QStandardPaths>

#include <malloc.h>

using namespace Bench;

namespace {

constexpr int MessageSize = 64;

QList<double> lagSamplesMs(LoopLagProbe *probe, const std::function<void()> &during)
{
    QList<double> samples;
    const auto connection = QObject::connect(probe, &LoopLagProbe::sampled, probe,
        [into = &samples](qint64 lagUs) { *into << lagUs / 1000.0; });
    during();
    QObject::disconnect(connection);
    return samples;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 1'000'000;

    FloodServer flood(messages, MessageSize);
    QList<double> bare;
    for (int i = 0; i < 3; ++i)
        bare << bareClientRate(flood.port(), messages);

    Clock::time_point openedAt;
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    LoopLagProbe probe(10);
    probe.start();
    const QList<double> idleLag = lagSamplesMs(&probe, [] {
        const auto start = Clock::now();
        spin([&] { return Clock::now() - start > std::chrono::seconds(1); });
    });

    malloc_trim(0);
    const qint64 rssBefore = residentBytes();
    ConnectionSettings settings;
    settings.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(flood.port()));
    settings.heartbeat.enabled = false;
    ConnectionPage *page = window.newConnection(settings, false);
    MessageLogModel *model = page->logModel();
    // openedAt (declared before the window) outlives the window and its pages.
    QObject::connect(
        page, &ConnectionPage::stateChanged, page, [at = &openedAt](ConnectionState s) {
            if (s == ConnectionState::Open)
                *at = Clock::now();
        });
    Clock::time_point doneAt;
    const QList<double> floodLag = lagSamplesMs(&probe, [&] {
        page->connectNow();
        spin([&] {
            if (model->statistics().messagesIn >= messages && model->pendingCount() == 0) {
                doneAt = Clock::now();
                return true;
            }
            return false;
        });
    });
    const double windowRate = messages / seconds(doneAt - openedAt);
    QCoreApplication::processEvents();
    malloc_trim(0);
    const double bytesPerMessage = double(residentBytes() - rssBefore) / messages;

    const double bareRate = median(bare);
    row("Window ingest, 1M x 64 B text, rows committed (msgs/s)",
        QString::number(windowRate / 1e6, 'f', 2) + " M",
        QString::number(bareRate / 1e6, 'f', 2) + " M (bare QWebSocket, median of 3)",
        QString::number(windowRate / bareRate, 'f', 2) + "x", ">= 0.8x");
    row("GUI thread event-loop lag during that flood (p99 / max)",
        QStringLiteral("%1 / %2 ms")
            .arg(percentile(floodLag, 0.99), 0, 'f', 1)
            .arg(percentile(floodLag, 1.0), 0, 'f', 1),
        QStringLiteral("%1 / %2 ms (window idle)")
            .arg(percentile(idleLag, 0.99), 0, 'f', 1)
            .arg(percentile(idleLag, 1.0), 0, 'f', 1),
        QStringLiteral("%1 samples").arg(floodLag.size()), "p99 < 50 ms");
    row("Resident memory per stored 64 B message", QString::number(bytesPerMessage, 'f', 0) + " B",
        QStringLiteral("64 B (the payload)"), QString::number(bytesPerMessage / 64.0, 'f', 2) + "x",
        "<= 80 B");

    MessageLogModel::Filter filter;
    filter.text = QStringLiteral("needle"); // matches nothing: every row is examined
    QElapsedTimer timer;
    timer.start();
    model->setFilter(filter);
    const double modelFilterMs = timer.nsecsElapsed() / 1e6;
    const qint64 rows = model->totalRows();
    model->setFilter({});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(model);
    proxy.setFilterKeyColumn(MessageLogModel::PreviewColumn);
    timer.start();
    proxy.setFilterFixedString(filter.text);
    const int proxyRows = proxy.rowCount(); // the proxy filters lazily: this makes it do the work
    const double proxyFilterMs = timer.nsecsElapsed() / 1e6;
    row(qPrintable(QStringLiteral("Filter %L1 rows by substring (ms)").arg(rows)),
        QString::number(modelFilterMs, 'f', 0),
        QString::number(proxyFilterMs, 'f', 0) + " (QSortFilterProxyModel)",
        QString::number(modelFilterMs / proxyFilterMs, 'f', 2) + "x", "well under 1 s");
    Q_ASSERT(proxyRows == 0 && model->totalRows() == rows);
    Q_UNUSED(proxyRows);

    auto clickMs = [&window](const TrafficEvent &event) {
        ConnectionPage *hugePage = window.newConnection();
        TrafficBatch batch;
        batch.events << event;
        hugePage->presenter()->ingest(batch);
        hugePage->logModel()->commitPending();
        QCoreApplication::processEvents();
        QElapsedTimer clock;
        clock.start();
        hugePage->logView()->selectRow(0);
        hugePage->repaint();
        QCoreApplication::processEvents();
        return clock.nsecsElapsed() / 1e6;
    };
    TrafficEvent hugeText;
    hugeText.kind = TrafficEvent::Kind::Text;
    hugeText.direction = TrafficEvent::Direction::Incoming;
    hugeText.text = QString(100'000'000, QLatin1Char('t'));
    hugeText.size = hugeText.text.size();
    const double textMs = clickMs(hugeText);
    hugeText.text.clear();
    TrafficEvent hugeBinary;
    hugeBinary.kind = TrafficEvent::Kind::Binary;
    hugeBinary.direction = TrafficEvent::Direction::Incoming;
    hugeBinary.data = QByteArray(100'000'000, 'b');
    hugeBinary.size = hugeBinary.data.size();
    const double binaryMs = clickMs(hugeBinary);
    row("Click a 100,000,000-character text row, until repainted (ms)",
        QString::number(textMs, 'f', 1), QString::number(binaryMs, 'f', 1) + " (100 MB binary row)",
        QString::number(textMs / binaryMs, 'f', 2) + "x", "about a frame (16 ms)");
    window.close();
    return 0;
}
