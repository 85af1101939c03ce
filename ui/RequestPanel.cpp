#include "RequestPanel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

RequestPanel::RequestPanel(QWidget *parent)
    : QWidget(parent)
    , m_headers(new QTableWidget(0, 2, this))
    , m_subprotocols(new QLineEdit(this))
    , m_origin(new QLineEdit(this))
    , m_connectTimeout(new QDoubleSpinBox(this))
    , m_deflate(new QCheckBox(tr("Offer compression (permessage-deflate)"), this))
    , m_closeTimeout(new QSpinBox(this))
    , m_ignoreTls(new QCheckBox(tr("Accept any certificate (insecure)"), this))
    , m_caFile(new QLineEdit(this))
    , m_maxSizeMiB(new QSpinBox(this))
    , m_reconnect(new QCheckBox(tr("Reconnect when the connection is lost"), this))
    , m_recordFolder(new QLineEdit(this))
    , m_keepSecrets(new QCheckBox(tr("Keep secret header values in recordings"), this))
{
    m_headers->setHorizontalHeaderLabels({tr("Header"), tr("Value")});
    m_headers->horizontalHeader()->setStretchLastSection(true);
    m_headers->verticalHeader()->hide();
    m_headers->setMinimumHeight(90);
    m_headers->setToolTip(tr("Extra HTTP headers for the upgrade request"));
    auto *add = new QPushButton(tr("Add header"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    add->setToolTip(tr("Add an HTTP header to the upgrade request"));
    remove->setToolTip(tr("Remove the selected header"));
    connect(add, &QPushButton::clicked, this, [this] { addHeaderRow(); });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_headers->currentRow() >= 0)
            m_headers->removeRow(m_headers->currentRow());
    });

    m_subprotocols->setPlaceholderText(tr("e.g. graphql-ws, chat"));
    m_origin->setPlaceholderText(tr("none"));
    m_connectTimeout->setRange(0.1, 3600);
    m_connectTimeout->setSuffix(tr(" s"));
    m_connectTimeout->setDecimals(1);
    m_connectTimeout->setToolTip(tr("Give up connecting after this long"));
    m_closeTimeout->setRange(0, 600 * 1000);
    m_closeTimeout->setSuffix(tr(" ms"));
    m_closeTimeout->setSingleStep(250);
    m_closeTimeout->setAccessibleName(tr("Close timeout"));
    m_closeTimeout->setToolTip(tr("After sending a close frame, wait this long for the server's "
                                  "before cutting TCP"));
    m_deflate->setToolTip(tr("Ask the server to compress messages (RFC 7692); the log shows each "
                             "message's payload and on-wire size"));
    m_subprotocols->setToolTip(tr("Subprotocols to offer, comma-separated"));
    m_origin->setToolTip(tr("The Origin header to send"));
    m_ignoreTls->setToolTip(tr("Connect even when the certificate cannot be verified"));
    m_caFile->setToolTip(tr("Extra certificates to trust, in a PEM file"));
    m_maxSizeMiB->setToolTip(tr("Close with 1009 when a message is larger than this"));
    m_reconnect->setToolTip(tr("Reconnect with a growing delay when the connection is lost"));
    m_recordFolder->setToolTip(tr("Record every connection into this folder"));
    m_keepSecrets->setToolTip(tr("Otherwise secret header values are replaced in recordings"));
    m_caFile->setPlaceholderText(tr("PEM file with extra trusted certificates"));
    auto *browse = new QPushButton(tr("Browse\u2026"), this);
    browse->setToolTip(tr("Choose a PEM file"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Trusted certificates"), {}, tr("Certificates (*.pem *.crt);;All files (*)"));
        if (!path.isEmpty())
            m_caFile->setText(path);
    });
    m_maxSizeMiB->setRange(1, 4096);
    m_maxSizeMiB->setSuffix(tr(" MiB"));

    m_recordFolder->setPlaceholderText(
        tr("record every connection into this folder (off when empty)"));
    auto *chooseFolder = new QPushButton(tr("Browse\u2026"), this);
    chooseFolder->setToolTip(tr("Choose the folder for recordings"));
    connect(chooseFolder, &QPushButton::clicked, this, [this] {
        const QString folder
            = QFileDialog::getExistingDirectory(this, tr("Record every connection into"));
        if (!folder.isEmpty())
            m_recordFolder->setText(folder);
    });
    auto *record = new QHBoxLayout;
    record->addWidget(m_recordFolder, 1);
    record->addWidget(chooseFolder);

    auto *headerButtons = new QHBoxLayout;
    headerButtons->addWidget(add);
    headerButtons->addWidget(remove);
    headerButtons->addStretch(1);
    auto *ca = new QHBoxLayout;
    ca->addWidget(m_caFile, 1);
    ca->addWidget(browse);

    auto *form = new QFormLayout;
    form->addRow(tr("Subprotocols:"), m_subprotocols);
    form->addRow(tr("Origin:"), m_origin);
    form->addRow(tr("Connect timeout:"), m_connectTimeout);
    form->addRow(tr("Close timeout:"), m_closeTimeout);
    form->addRow(tr("Compression:"), m_deflate);
    form->addRow(tr("Max message size:"), m_maxSizeMiB);
    form->addRow(tr("TLS:"), m_ignoreTls);
    form->addRow(tr("CA file:"), ca);
    form->addRow(m_reconnect);
    form->addRow(tr("Auto-record:"), record);
    form->addRow(m_keepSecrets);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_headers, 1);
    layout->addLayout(headerButtons);
    layout->addLayout(form);
    setSettings(ConnectionSettings());
}

void RequestPanel::addHeaderRow(const QString &name, const QString &value)
{
    const int row = m_headers->rowCount();
    m_headers->insertRow(row);
    m_headers->setItem(row, 0, new QTableWidgetItem(name));
    m_headers->setItem(row, 1, new QTableWidgetItem(value));
    if (name.isEmpty())
        m_headers->editItem(m_headers->item(row, 0));
}

void RequestPanel::setSettings(const ConnectionSettings &s)
{
    m_headers->setRowCount(0);
    for (const HttpHeader &h : s.headers)
        addHeaderRow(QString::fromLatin1(h.name), QString::fromUtf8(h.value));
    m_subprotocols->setText(s.subprotocols.join(QStringLiteral(", ")));
    m_origin->setText(s.origin);
    m_connectTimeout->setValue(s.connectTimeoutMs / 1000.0);
    m_closeTimeout->setValue(s.closeTimeoutMs);
    m_deflate->setChecked(s.deflate);
    m_ignoreTls->setChecked(s.tls.ignoreCertificateErrors);
    m_caFile->setText(s.tls.caFile);
    m_maxSizeMiB->setValue(int(qMax<qint64>(1, s.maxIncomingMessageSize / (1024LL * 1024))));
    m_reconnect->setChecked(s.reconnect.enabled);
    m_recordFolder->setText(s.recording.directory);
    m_keepSecrets->setChecked(s.recording.keepSecrets);
}

bool RequestPanel::applyTo(ConnectionSettings *settings, QString *error) const
{
    ConnectionSettings s = *settings;
    s.headers.clear();
    s.subprotocols.clear();
    s.origin = m_origin->text().trimmed();
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QString name
            = m_headers->item(row, 0) ? m_headers->item(row, 0)->text().trimmed() : QString();
        const QString value = m_headers->item(row, 1) ? m_headers->item(row, 1)->text() : QString();
        if (name.isEmpty() && value.trimmed().isEmpty())
            continue;
        if (!s.addHeader(name, value, error))
            return false;
    }
    for (const QString &p : m_subprotocols->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString protocol = p.trimmed();
        if (!ConnectionSettings::isValidToken(protocol)) {
            *error = tr("'%1' is not a valid subprotocol name").arg(protocol);
            return false;
        }
        if (!s.subprotocols.contains(protocol))
            s.subprotocols.append(protocol);
    }
    s.connectTimeoutMs = int(m_connectTimeout->value() * 1000);
    s.closeTimeoutMs = m_closeTimeout->value();
    s.deflate = m_deflate->isChecked();
    s.tls.ignoreCertificateErrors = m_ignoreTls->isChecked();
    s.tls.caFile = m_caFile->text().trimmed();
    s.maxIncomingMessageSize = qint64(m_maxSizeMiB->value()) * 1024 * 1024;
    s.reconnect.enabled = m_reconnect->isChecked();
    s.recording.directory = m_recordFolder->text().trimmed();
    s.recording.keepSecrets = m_keepSecrets->isChecked();
    if (!s.recording.directory.isEmpty() && !QFileInfo(s.recording.directory).isDir()) {
        *error = tr("the recording folder '%1' does not exist").arg(s.recording.directory);
        return false;
    }
    *settings = s;
    return true;
}
