#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QDeadlineTimer>
#include <QFileDialog>
#include <QLineEdit>
#include <QPointer>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>

// How the window's tests act as a person would: answer the next modal dialog (file dialogs,
// questions, forms), click a button by its text, find a widget by its accessible name. An answer
// not used within 10 s is dropped, so it cannot answer another test's dialog;
// dropPendingAnswers() (in each test's cleanup) drops those still waiting.
namespace GuiDriving {

inline QList<QPointer<QTimer>> &pending()
{
    static QList<QPointer<QTimer>> timers;
    return timers;
}

inline void dropPendingAnswers()
{
    for (const QPointer<QTimer> &timer : std::as_const(pending()))
        delete timer.data();
    pending().clear();
}

} // namespace GuiDriving

inline void whenDialogOpens(const std::function<void(QWidget *)> &answer)
{
    auto *timer = new QTimer;
    timer->setInterval(20);
    auto deadline = std::make_shared<QDeadlineTimer>(10000);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, answer, deadline] {
        QWidget *dialog = QApplication::activeModalWidget();
        if (!dialog && !deadline->hasExpired())
            return;
        timer->stop();
        timer->deleteLater();
        if (dialog)
            answer(dialog);
    });
    GuiDriving::pending() << timer;
    timer->start();
}

inline void clickButton(QWidget *dialog, const QString &text)
{
    for (QAbstractButton *b : dialog->findChildren<QAbstractButton *>()) {
        if (b->text().remove(QLatin1Char('&')) == text) {
            QTest::mouseClick(b, Qt::LeftButton);
            return;
        }
    }
    qFatal("no button %s", qPrintable(text));
}

// Picks a file in a file dialog (to open or to save) as a person would.
inline void chooseFile(QWidget *dialog, const QString &path)
{
    auto *files = qobject_cast<QFileDialog *>(dialog);
    if (!files) { // not the dialog expected: close it rather than hang, and fail
        QMetaObject::invokeMethod(dialog, "reject", Qt::QueuedConnection);
        QFAIL("a file dialog was expected");
    }
    // Picks the file and presses Open/Save as a person would; the dialog may still be reading
    // the folder, so it tries again until it closes (and gives up after 5 s rather than hang).
    auto *retry = new QTimer(files);
    auto tries = std::make_shared<int>(0);
    // Typing the whole path into the file name field works whether or not the dialog has read
    // the folder yet, as it does for a person.
    auto type = [files, path] {
        if (auto *name = files->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"))) {
            name->setText(path);
            QTest::keyClick(name, Qt::Key_Return);
        } else {
            files->selectFile(path);
            QMetaObject::invokeMethod(files, "accept");
        }
    };
    QObject::connect(retry, &QTimer::timeout, files, [files, type, tries] {
        if (++*tries > 25) {
            files->reject();
            return;
        }
        type();
    });
    QTimer::singleShot(0, files, type);
    retry->start(200);
}

// The widget of type T below parent with this accessible name; nullptr when there is none.
template<typename T> T *named(QWidget *parent, const QString &accessibleName)
{
    for (T *w : parent->findChildren<T *>()) {
        if (w->accessibleName() == accessibleName)
            return w;
    }
    return nullptr;
}

// With SOCKSCOPE_SCREENSHOT_DIR set (offscreen or under xvfb-run), the window as it is
// now at the README's 1280x800 (a dialog at its own size), saved as NAME there; nothing is
// asserted on it.
inline void saveScreenshot(QWidget *window, const QString &name)
{
    const QString dir = qEnvironmentVariable("SOCKSCOPE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    if (window->isWindow() && !qobject_cast<QDialog *>(window))
        window->resize(1280, 800);
    QTest::qWait(300); // lets the window paint, for the picture only
    if (!window->grab().save(dir + QLatin1Char('/') + name))
        qWarning("could not write %s", qPrintable(name));
}
