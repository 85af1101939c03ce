// JUnit XML as CI systems read it: the schema's required elements and attributes, counts that
// agree with the cases, and text from the network that stays well-formed XML.
#include "JUnitReport.h"

#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

// A parsed element, enough to check the structure the schema requires.
struct Element
{
    QString name;
    QXmlStreamAttributes attributes;
    QString text;
    QList<Element> children;

    QString attr(const char *n) const { return attributes.value(QLatin1String(n)).toString(); }
    QList<Element> all(const char *n) const
    {
        QList<Element> found;
        for (const Element &c : children)
            if (c.name == QLatin1String(n))
                found.append(c);
        return found;
    }
    Element one(const char *n) const
    {
        const QList<Element> found = all(n);
        return found.size() == 1 ? found.first() : Element {};
    }
};

Element readElement(QXmlStreamReader &r)
{
    Element e {r.name().toString(), r.attributes(), {}, {}};
    while (r.readNext() != QXmlStreamReader::EndElement && !r.atEnd()) {
        if (r.isStartElement())
            e.children.append(readElement(r));
        else if (r.isCharacters())
            e.text += r.text();
    }
    return e;
}

Element parse(const QByteArray &xml, QString *error)
{
    QXmlStreamReader r(xml);
    Element root;
    while (!r.atEnd()) {
        if (r.readNext() == QXmlStreamReader::StartElement)
            root = readElement(r);
    }
    *error = r.hasError() ? r.errorString() : QString();
    return root;
}

JUnitReport::TestCase testCase(const QString &name, const QString &className = {},
    double seconds = 0, JUnitReport::Outcome outcome = JUnitReport::Outcome::Passed,
    const QString &message = {})
{
    JUnitReport::TestCase c;
    c.name = name;
    c.className = className;
    c.seconds = seconds;
    c.outcome = outcome;
    c.message = message;
    return c;
}

bool hasAttributes(const Element &e, const QStringList &names)
{
    for (const QString &n : names) {
        if (!e.attributes.hasAttribute(n))
            return false;
    }
    return true;
}

} // namespace

class TestJUnitReport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void suiteHasTheSchemasRequiredElements();
    void casesCarryTheirOutcome();
    void networkTextStaysWellFormed();
    void writeFileReportsWhatWentWrong();
};

void TestJUnitReport::suiteHasTheSchemasRequiredElements()
{
    JUnitReport report;
    JUnitReport::Suite &suite = report.addSuite(QStringLiteral("chat.ssrec"));
    suite.timestamp = QDateTime(QDate(2026, 11, 26), QTime(9, 30, 5), Qt::UTC);
    suite.properties.append({QStringLiteral("url"), QStringLiteral("ws://127.0.0.1:1/")});
    suite.cases.append(testCase(QStringLiteral("step 1"), QStringLiteral("chat"), 0.0125));
    report.addSuite(QStringLiteral("empty"));

    QString error;
    const Element root = parse(report.toXml(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(root.name, QStringLiteral("testsuites"));
    const QList<Element> suites = root.all("testsuite");
    QCOMPARE(suites.size(), 2);
    for (const Element &s : suites) {
        QVERIFY(hasAttributes(s,
            {"name", "package", "id", "tests", "failures", "errors", "skipped", "time", "timestamp",
                "hostname"}));
        QVERIFY(!s.attr("hostname").isEmpty());
        QCOMPARE(s.all("properties").size(), 1);
        QCOMPARE(s.all("system-out").size(), 1);
        QCOMPARE(s.all("system-err").size(), 1);
    }
    const Element &s = suites.first();
    QCOMPARE(s.attr("name"), QStringLiteral("chat.ssrec"));
    QCOMPARE(s.attr("timestamp"), QStringLiteral("2026-11-26T09:30:05"));
    QCOMPARE(s.attr("tests"), QStringLiteral("1"));
    QCOMPARE(s.attr("time"), QStringLiteral("0.013"));
    const Element property = s.one("properties").one("property");
    QCOMPARE(property.attr("name"), QStringLiteral("url"));
    QCOMPARE(property.attr("value"), QStringLiteral("ws://127.0.0.1:1/"));
    const Element testCase = s.one("testcase");
    QVERIFY(hasAttributes(testCase, {"name", "classname", "time"}));
    QCOMPARE(testCase.attr("name"), QStringLiteral("step 1"));
    QCOMPARE(testCase.attr("classname"), QStringLiteral("chat"));
    QVERIFY(testCase.children.isEmpty()); // passed: no failure element
    QCOMPARE(suites.at(1).attr("id"), QStringLiteral("1"));
    QCOMPARE(suites.at(1).attr("tests"), QStringLiteral("0"));
}

void TestJUnitReport::casesCarryTheirOutcome()
{
    using Outcome = JUnitReport::Outcome;
    JUnitReport report;
    JUnitReport::Suite &suite = report.addSuite(QStringLiteral("s"));
    suite.cases.append(testCase(QStringLiteral("passes"), {}, 0.5));
    JUnitReport::TestCase failed = testCase(
        QStringLiteral("fails"), {}, 0.25, Outcome::Failed, QStringLiteral("/price: 1.5 != 2"));
    failed.type = QStringLiteral("mismatch");
    failed.details = QStringLiteral("recorded: 1.5\nlive:     2");
    failed.systemOut = QStringLiteral("printed");
    suite.cases.append(failed);
    suite.cases.append(testCase(
        QStringLiteral("breaks"), {}, 0, Outcome::Error, QStringLiteral("connection ended early")));
    suite.cases.append(
        testCase(QStringLiteral("skips"), {}, 0, Outcome::Skipped, QStringLiteral("not run")));
    QVERIFY(report.hasFailures());

    QString error;
    const Element root = parse(report.toXml(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(root.attr("tests"), QStringLiteral("4"));
    QCOMPARE(root.attr("failures"), QStringLiteral("1"));
    QCOMPARE(root.attr("errors"), QStringLiteral("1"));
    QCOMPARE(root.attr("skipped"), QStringLiteral("1"));
    const Element s = root.one("testsuite");
    QCOMPARE(s.attr("failures"), QStringLiteral("1"));
    QCOMPARE(s.attr("errors"), QStringLiteral("1"));
    QCOMPARE(s.attr("time"), QStringLiteral("0.750")); // the sum of its cases
    const QList<Element> cases = s.all("testcase");
    QCOMPARE(cases.size(), 4);
    QCOMPARE(cases.at(0).attr("classname"), QStringLiteral("s")); // defaults to the suite
    const Element failure = cases.at(1).one("failure");
    QCOMPARE(failure.attr("message"), QStringLiteral("/price: 1.5 != 2"));
    QCOMPARE(failure.attr("type"), QStringLiteral("mismatch"));
    QCOMPARE(failure.text, QStringLiteral("recorded: 1.5\nlive:     2"));
    QCOMPARE(cases.at(1).one("system-out").text, QStringLiteral("printed"));
    const Element errorElement = cases.at(2).one("error");
    QCOMPARE(errorElement.attr("message"), QStringLiteral("connection ended early"));
    QCOMPARE(errorElement.attr("type"), QStringLiteral("error"));
    QCOMPARE(cases.at(3).one("skipped").attr("message"), QStringLiteral("not run"));

    JUnitReport passing;
    passing.addSuite(QStringLiteral("p")).cases.append(testCase(QStringLiteral("ok")));
    QVERIFY(!passing.hasFailures());
}

void TestJUnitReport::networkTextStaysWellFormed()
{
    const QString hostile = QStringLiteral("<b>&\"x\"</b>\x01\x1b[31mred") + QChar(0xFFFE)
        + QChar(0xD800) + QStringLiteral("]]>");
    JUnitReport report;
    JUnitReport::Suite &suite = report.addSuite(hostile);
    JUnitReport::TestCase c = testCase(hostile, hostile, 0, JUnitReport::Outcome::Failed, hostile);
    c.details = hostile;
    suite.cases.append(c);

    QString error;
    const Element root = parse(report.toXml(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString expected = QStringLiteral("<b>&\"x\"</b>\\x01\\x1b[31mred\\ufffe") + QChar(0xFFFD)
        + QStringLiteral("]]>");
    const Element testCase = root.one("testsuite").one("testcase");
    QCOMPARE(root.one("testsuite").attr("name"), expected);
    QCOMPARE(testCase.attr("name"), expected);
    QCOMPARE(testCase.one("failure").attr("message"), expected);
    QCOMPARE(testCase.one("failure").text, expected);
}

void TestJUnitReport::writeFileReportsWhatWentWrong()
{
    JUnitReport report;
    JUnitReport::Suite &suite = report.addSuite(QStringLiteral("s"));
    suite.cases.append(testCase(QStringLiteral("ok")));
    // A fixed start: written and compared a second apart, "now" would differ.
    suite.timestamp = QDateTime(QDate(2026, 11, 26), QTime(12, 0), Qt::UTC);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("report.xml"));
    QString error;
    QVERIFY2(report.writeFile(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), report.toXml());

    const QString bad = dir.filePath(QStringLiteral("missing/dir/report.xml"));
    QVERIFY(!report.writeFile(bad, &error));
    QVERIFY2(error.startsWith(bad + QLatin1String(": ")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestJUnitReport)
#include "tst_junitreport.moc"
