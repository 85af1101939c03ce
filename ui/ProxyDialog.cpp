#include "ProxyDialog.h"

#include "ConnectionSettings.h"
#include "Theme.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>

namespace {
// A line edit's frame and inner margins around its text, beyond textMargins() (both sides).
constexpr int PlaceholderPaddingPx = 16;
} // namespace

ProxyDialog::ProxyDialog(QWidget *parent)
    : QDialog(parent)
    , m_upstream(new QLineEdit(this))
    , m_address(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_cert(new QLineEdit(this))
    , m_key(new QLineEdit(this))
    , m_insecure(new QCheckBox(tr("Accept any certificate from a wss:// upstream"), this))
    , m_caFile(new QLineEdit(this))
    , m_record(new QLineEdit(this))
    , m_script(new QLineEdit(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New proxy"));
    setObjectName(QStringLiteral("proxyDialog"));
    m_upstream->setPlaceholderText(tr("ws://host:port/path or wss://\u2026"));
    m_upstream->setToolTip(tr("Where each client is relayed; its own path and query are appended"));
    m_address->setText(QStringLiteral("127.0.0.1"));
    m_address->setToolTip(
        tr("The address to listen on; 127.0.0.1 keeps the proxy to this machine"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    m_port->setToolTip(tr("The port to listen on; 0 picks a free one"));
    m_cert->setPlaceholderText(tr("PEM file; with a key, clients connect with wss://"));
    m_key->setPlaceholderText(tr("PEM file"));
    m_caFile->setPlaceholderText(tr("extra CA certificates (PEM) for a wss:// upstream"));
    m_record->setPlaceholderText(tr("none; pair N > 1 records to FILE-N"));
    m_script->setPlaceholderText(tr("none; a .js file run on every pair (docs/scripting.md)"));
    m_script->setToolTip(tr("onMessage(msg, ctx) sees each message both ways and passes, "
                            "replaces or drops it"));
    connect(m_script, &QLineEdit::textChanged, this, &ProxyDialog::readScript);
    QPalette problemPalette = m_problem->palette();
    problemPalette.setColor(QPalette::WindowText, Theme::color(Theme::Role::Error, palette()));
    m_problem->setPalette(problemPalette);
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Start Proxy"));

    const std::pair<QLineEdit *, QString> names[] = {{m_upstream, tr("Upstream URL")},
        {m_address, tr("Listen address")}, {m_cert, tr("TLS certificate")}, {m_key, tr("TLS key")},
        {m_caFile, tr("CA file")}, {m_record, tr("Record to")}, {m_script, tr("Script")}};
    for (const auto &[edit, name] : names) {
        edit->setAccessibleName(name);
        connect(edit, &QLineEdit::textChanged, this, &ProxyDialog::validate);
        // Wide enough for its placeholder, which says what the field wants.
        const QMargins margins = edit->textMargins();
        edit->setMinimumWidth(edit->fontMetrics().horizontalAdvance(edit->placeholderText())
            + margins.left() + margins.right() + PlaceholderPaddingPx);
    }
    m_port->setAccessibleName(tr("Listen port"));
    connect(m_port, &QSpinBox::valueChanged, this, &ProxyDialog::validate);
    connect(m_insecure, &QCheckBox::toggled, this, &ProxyDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    // A line edit with a button that picks a file, to open or to save.
    auto withBrowse = [this](QLineEdit *edit, bool save, const QString &filter = {}) {
        auto *row = new QHBoxLayout;
        auto *browse = new QToolButton(this);
        browse->setText(QStringLiteral("\u2026"));
        browse->setToolTip(tr("Choose a file"));
        browse->setAccessibleName(tr("Choose %1").arg(edit->accessibleName()));
        connect(browse, &QToolButton::clicked, this, [this, edit, save, filter] {
            const QString path = save
                ? QFileDialog::getSaveFileName(this, edit->accessibleName(), edit->text(),
                    tr("Sockscope recordings (*.jsonl)"))
                : QFileDialog::getOpenFileName(this, edit->accessibleName(), edit->text(), filter);
            if (!path.isEmpty())
                edit->setText(path);
        });
        row->addWidget(edit, 1);
        row->addWidget(browse);
        return row;
    };
    auto *form = new QFormLayout(this);
    form->addRow(tr("Relay to:"), m_upstream);
    auto *listen = new QHBoxLayout;
    listen->addWidget(m_address, 1);
    listen->addWidget(m_port);
    form->addRow(tr("Listen on:"), listen);
    form->addRow(tr("TLS certificate:"), withBrowse(m_cert, false));
    form->addRow(tr("TLS key:"), withBrowse(m_key, false));
    form->addRow(QString(), m_insecure);
    form->addRow(tr("CA file:"), withBrowse(m_caFile, false));
    form->addRow(tr("Record to:"), withBrowse(m_record, true));
    form->addRow(
        tr("Script:"), withBrowse(m_script, false, tr("JavaScript (*.js);;All files (*)")));
    form->addRow(m_problem);
    form->addRow(m_buttons);
    setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 64);
    validate();
}

bool ProxyDialog::collect(ProxyServer::Settings *settings, QString *error) const
{
    ProxyServer::Settings s;
    // The window's own reading of a typed URL ("localhost:8080" means ws://), as for connections.
    s.upstream = ConnectionSettings::parseUrl(m_upstream->text(), error);
    if (!s.upstream.isValid()) {
        *error = tr("upstream URL: %1").arg(*error);
        return false;
    }
    const QString address = m_address->text().trimmed();
    if (!address.isEmpty() && !s.address.setAddress(address)) {
        *error = tr("listen address: '%1' is not an IP address").arg(address);
        return false;
    }
    s.port = quint16(m_port->value());
    s.tlsCertFile = m_cert->text().trimmed();
    s.tlsKeyFile = m_key->text().trimmed();
    s.insecure = m_insecure->isChecked();
    s.caFile = m_caFile->text().trimmed();
    s.recordPath = m_record->text().trimmed();
    if (!m_scriptProblem.isEmpty()) {
        *error = m_scriptProblem;
        return false;
    }
    s.script = m_scriptSource;
    const QString problem = s.validate();
    if (!problem.isEmpty()) {
        *error = problem;
        return false;
    }
    *settings = s;
    return true;
}

void ProxyDialog::setSettings(const ProxyServer::Settings &settings)
{
    m_upstream->setText(settings.upstream.toString());
    m_address->setText(settings.address.toString());
    m_port->setValue(settings.port);
    m_cert->setText(settings.tlsCertFile);
    m_key->setText(settings.tlsKeyFile);
    m_insecure->setChecked(settings.insecure);
    m_caFile->setText(settings.caFile);
    m_record->setText(settings.recordPath);
    m_script->setText(settings.script.name);
}

QString ProxyDialog::problemText() const
{
    return m_problem->text();
}

void ProxyDialog::readScript()
{
    m_scriptSource = {};
    m_scriptProblem.clear();
    const QString path = m_script->text().trimmed();
    if (!path.isEmpty() && ScriptSource::read(path, &m_scriptSource, &m_scriptProblem))
        m_scriptProblem = ProxyServer::scriptProblem(m_scriptSource);
    validate();
}

void ProxyDialog::validate()
{
    ProxyServer::Settings ignored;
    QString error;
    const bool ok = collect(&ignored, &error);
    // An empty form is not yet wrong: it only keeps Start disabled.
    m_problem->setText(ok || m_upstream->text().trimmed().isEmpty() ? QString() : error);
    m_problem->setVisible(!m_problem->text().isEmpty());
    // A window does not grow by itself for the lines of a wrapped label.
    const int needed = heightForWidth(width());
    if (isVisible() && needed > height())
        resize(width(), needed);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
}
