#pragma once

#include "ProxyFaults.h"
#include "ProxyServer.h"

#include <QHash>
#include <QWidget>

class Composer;
class ElidingLabel;
class InterceptPanel;
class MessageDetailView;
class ProxyFaultsEditor;
class ProxyPresenter;
class QCheckBox;
class QComboBox;
class QScrollArea;
class QLineEdit;
class QSpinBox;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTimer;
class QToolButton;
class SavedMessages;
class ScriptPanel;
class TrafficLogPane;

// A proxy in the window: its listening URL (copyable), the list of pairs, and for the selected
// pair the same log, filter and detail pane as a connection; faults for the selected pair or for
// all pairs, one-off interventions (stall, cut, close a side), intercept with Forward / Edit /
// Drop, a composer that injects a message either way, recording, and (with a script) the script
// with the selected pair's log() lines and errors. It only presents what its ProxyPresenter
// derives; the pairs run in their own threads behind the ProxyServer.
class ProxyPage : public QWidget
{
    Q_OBJECT
public:
    ProxyPage(SavedMessages *savedMessages, QWidget *parent = nullptr);
    ~ProxyPage() override; // stops the proxy within the usual bound

    bool listen(const ProxyServer::Settings &settings, QString *error);
    ProxyPresenter *presenter() const { return m_presenter; }
    QString title() const;
    QString urlText() const;
    QString statusText() const;
    QTableView *pairView() const { return m_pairs; }
    // The pair whose log is shown (0: none), and the pair requests act on (AllPairs when "All
    // pairs" is on or no pair is selected).
    int selectedPair() const { return m_selectedPair; }
    int scope() const;
    bool appliesToAllPairs() const;
    bool isAllPairsOn() const; // the "All pairs" switch itself
    TrafficLogPane *currentLogPane() const; // nullptr when no pair is selected
    MessageDetailView *detailView() const { return m_detail; }
    ProxyFaultsEditor *faultsEditor() const { return m_faults; }
    InterceptPanel *interceptPanel() const { return m_intercept; }
    Composer *injectComposer() const { return m_inject; }
    QTabWidget *sideTabs() const { return m_sideTabs; }
    QTabWidget *bottomTabs() const { return m_bottomTabs; }
    ScriptPanel *scriptPanel() const { return m_script; } // nullptr without a script
    QString recordingText() const;

public Q_SLOTS:
    void selectPair(int pairId);
    void setAllPairs(bool all);
    void copyUrl();
    void showFaults(); // the Faults side tab, its first field focused
    void askStall(ProxySide from); // asks for how long
    void stall(ProxySide from, int forMs);
    void cutNow();
    void askCutInNextMessage(); // asks for the size
    void cutInNextMessageOver(qint64 bytes);
    void askCloseSide(ProxySide side); // asks for code and reason
    void closeSide(ProxySide side, quint16 code, const QString &reason);
    void setIntercept(ProxySide from, bool on);
    void forwardHeld();
    bool forwardEdited();
    void dropHeld();
    bool injectMessage(); // sends the inject composer's message
    void toggleRecording(); // asks where when starting
    void startRecording(const QString &path);
    void stopRecording();
    void clearEnded();
    void setShowWallClock(bool show);

Q_SIGNALS:
    void titleChanged(const QString &title);
    void scopeChanged(); // the selected pair, its state, or "All pairs" changed
    void problem(const QString &message);

private:
    // The faults editor's values, to the scope they were edited for (live, debounced).
    void applyFaults();
    void showPair(int pairId);
    void updateScope();
    void updateHeld();
    void updateControls();
    void showProblem(const QString &message);
    void showScriptLines();
    ProxySide injectSide() const;

    ProxyPresenter *m_presenter;
    QLineEdit *m_url;
    QToolButton *m_copy;
    QCheckBox *m_allPairs;
    QToolButton *m_record;
    ElidingLabel *m_error;
    QTableView *m_pairs;
    QStackedWidget *m_logs;
    QHash<int, TrafficLogPane *> m_panes;
    QTabWidget *m_bottomTabs;
    QComboBox *m_injectSide;
    Composer *m_inject;
    InterceptPanel *m_intercept;
    QTabWidget *m_sideTabs;
    MessageDetailView *m_detail;
    ScriptPanel *m_script = nullptr;
    ElidingLabel *m_scopeLabel;
    ProxyFaultsEditor *m_faults;
    QTimer *m_faultsDebounce; // one request per burst of edits, not one per keystroke
    int m_faultsScope = ProxyServer::AllPairs; // what the pending edits are for
    QScrollArea *m_faultsTab;
    QComboBox *m_stallSide;
    QSpinBox *m_stallSeconds;
    QSpinBox *m_cutBytes;
    QComboBox *m_closeSide;
    ElidingLabel *m_status;
    QSplitter *m_splitter;
    int m_selectedPair = 0;
    bool m_showWallClock = false;
    bool m_statusDirty = false;
    ProxyPairState m_shownState = ProxyPairState::Handshaking; // of the selected pair
};
