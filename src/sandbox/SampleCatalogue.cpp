#include "sandbox/SampleCatalogue.h"

#include "sandbox/CsvWriter.h"
#include "sandbox/PdfWriter.h"
#include "sandbox/XlsxWriter.h"

#include <QCryptographicHash>
#include <QLocale>
#include <QRandomGenerator>

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;

namespace {

const QString PdfMime = u"application/pdf"_s;
const QString XlsxMime = u"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"_s;
const QString CsvMime = u"text/csv"_s;

// Fictitious customers; one has a comma and one an ampersand so CSV quoting and XML escaping get exercised.
const QStringList Customers = {
    u"Atelier Dupré SARL"_s,    u"Boulangerie Lefèvre"_s,       u"Café des Artistes"_s,
    u"Électricité Moreau"_s,    u"Garage Martin & Fils"_s,      u"Hôtel Beau Séjour"_s,
    u"Northwind Traders Ltd"_s, u"Contoso Consulting"_s,        u"Pâtisserie Noël"_s,
    u"Transports Girard SAS"_s, u"Dubois, Fabre et Associés"_s, u"Librairie Œuvres Complètes"_s,
};

QString money(double v)
{
    return QString::number(v, 'f', 2);
}

struct Invoice
{
    QString number;
    QString customer;
    QDate issued;
    QDate due;
    double amount = 0;
    double paid = 0;
    QString status;
};

QList<Invoice> invoices(QRandomGenerator &rng, const QDate &from, const QDate &to, int count)
{
    QList<Invoice> out;
    const auto days = static_cast<int>(from.daysTo(to));
    for (int i = 0; i < count; ++i) {
        Invoice inv;
        inv.number = u"FAC-%1-%2"_s.arg(from.toString(u"yyyyMM"_s)).arg(i + 1, 4, 10, QLatin1Char('0'));
        inv.customer = Customers[rng.bounded(static_cast<int>(Customers.size()))];
        inv.issued = from.addDays(rng.bounded(days + 1));
        inv.due = inv.issued.addDays(30);
        inv.amount = rng.bounded(5000, 950000) / 100.0;
        const int kind = rng.bounded(10);
        inv.paid = kind < 6 ? inv.amount : kind < 8 ? qRound(inv.amount * 40) / 100.0 : 0.0;
        inv.status = kind < 6 ? u"paid"_s : kind < 8 ? u"partial"_s : u"overdue"_s;
        out.append(inv);
    }
    return out;
}

struct Totals
{
    double invoiced = 0;
    double collected = 0;
    int overdue = 0;
};

Totals totals(const QList<Invoice> &list)
{
    Totals t;
    for (const Invoice &inv : list) {
        t.invoiced += inv.amount;
        t.collected += inv.paid;
        t.overdue += inv.status == u"overdue"_s ? 1 : 0;
    }
    return t;
}

QByteArray pdfContent(const SandboxReport &r, const QList<Invoice> &list, bool french)
{
    const Totals t = totals(list);
    const double rate = t.invoiced > 0 ? 100.0 * t.collected / t.invoiced : 0;
    QStringList lines;
    if (french) {
        lines = {u"Société : Démo Services SAS"_s,
                 u"Période : du %1 au %2"_s.arg(r.periodFrom.toString(Qt::ISODate), r.periodTo.toString(Qt::ISODate)),
                 QString(),
                 u"Total facturé : %1 €"_s.arg(money(t.invoiced)),
                 u"Total encaissé : %1 €"_s.arg(money(t.collected)),
                 u"Encours : %1 €"_s.arg(money(t.invoiced - t.collected)),
                 u"Taux de recouvrement : %1 %"_s.arg(QString::number(rate, 'f', 1)),
                 u"Factures en retard : %1 sur %2"_s.arg(t.overdue).arg(list.size())};
    } else {
        lines = {u"Company: Demo Services SAS"_s,
                 u"Period: %1 to %2"_s.arg(r.periodFrom.toString(Qt::ISODate), r.periodTo.toString(Qt::ISODate)),
                 QString(),
                 u"Total invoiced: EUR %1"_s.arg(money(t.invoiced)),
                 u"Total collected: EUR %1"_s.arg(money(t.collected)),
                 u"Outstanding: EUR %1"_s.arg(money(t.invoiced - t.collected)),
                 u"Collection rate: %1 %"_s.arg(QString::number(rate, 'f', 1)),
                 u"Overdue invoices: %1 of %2"_s.arg(t.overdue).arg(list.size())};
    }
    lines << QString() << u"GetBill Reports sandbox – %1"_s.arg(r.id);
    return PdfWriter::write(r.title, lines, r.generatedAt);
}

QByteArray csvContent(const QList<Invoice> &list)
{
    QList<QStringList> rows = {{u"invoice_number"_s, u"customer"_s, u"issue_date"_s, u"due_date"_s, u"amount_eur"_s,
                                u"paid_eur"_s, u"status"_s}};
    for (const Invoice &inv : list)
        rows.append({inv.number, inv.customer, inv.issued.toString(Qt::ISODate), inv.due.toString(Qt::ISODate),
                     money(inv.amount), money(inv.paid), inv.status});
    return CsvWriter::write(rows);
}

QByteArray xlsxContent(const SandboxReport &r, const QList<Invoice> &list)
{
    QList<QVariantList> rows = {
        {r.title},
        {},
        {u"Invoice"_s, u"Customer"_s, u"Issue date"_s, u"Due date"_s, u"Amount (EUR)"_s, u"Paid (EUR)"_s, u"Status"_s}};
    for (const Invoice &inv : list)
        rows.append({inv.number, inv.customer, inv.issued.toString(Qt::ISODate), inv.due.toString(Qt::ISODate),
                     inv.amount, inv.paid, inv.status});
    const Totals t = totals(list);
    rows.append({u"Total"_s, QString(), QString(), QString(), t.invoiced, t.collected, QString()});
    return XlsxWriter::write(r.type, rows);
}

} // namespace

QString SampleCatalogue::largeReportId()
{
    return u"report_large_256mb"_s;
}

QString SampleCatalogue::makeId(const QString &seed)
{
    static constexpr char Alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    const QByteArray digest = QCryptographicHash::hash(seed.toUtf8(), QCryptographicHash::Sha256);
    QString id = u"report_"_s;
    for (int i = 0; i < 6; ++i)
        id += QLatin1Char(Alphabet[static_cast<quint8>(digest[i]) % 36]);
    return id;
}

QList<SandboxReport> SampleCatalogue::reports()
{
    struct Kind
    {
        QString type, slug, english, french, englishDescription, frenchDescription;
    };
    const QList<Kind> kinds = {
        {u"financial"_s, u"financial_summary"_s, u"Financial Summary"_s, u"Synthèse financière"_s,
         u"Invoiced, collected and outstanding amounts for the month."_s,
         u"Montants facturés, encaissés et restant dus sur le mois."_s},
        {u"collection"_s, u"collection_performance"_s, u"Collection Performance"_s, u"Performance du recouvrement"_s,
         u"Every invoice of the month with its collection status."_s,
         u"Toutes les factures du mois avec leur état de recouvrement."_s},
        {u"payments"_s, u"payments_received"_s, u"Payments Received"_s, u"Encaissements clients"_s,
         u"Customer payments received during the month, by invoice."_s,
         u"Paiements clients reçus pendant le mois, par facture."_s},
        {u"aging"_s, u"aged_receivables"_s, u"Aged Receivables"_s, u"Balance âgée des créances"_s,
         u"Outstanding receivables by age at the end of the month."_s,
         u"Créances restant dues par ancienneté en fin de mois."_s},
    };
    const QLocale english(QLocale::English, QLocale::UnitedKingdom);
    const QLocale french(QLocale::French, QLocale::France);

    constexpr int Count = 36;
    QList<SandboxReport> out;
    for (int i = 0; i < Count; ++i) {
        const Kind &kind = kinds[i % kinds.size()];
        // 36 reports over the 34 months from January 2024 to October 2026: a few months have two.
        const QDate from = QDate(2024, 1, 1).addMonths(i * 34 / Count);
        const bool fr = (i / 4) % 2 == 1;
        QRandomGenerator rng(static_cast<quint32>(1000 + i));

        SandboxReport r;
        r.id = makeId(u"getbill-sandbox-sample-"_s + QString::number(i));
        r.type = kind.type;
        r.periodFrom = from;
        r.periodTo = from.addMonths(1).addDays(-1);
        const QString month = fr ? french.monthName(from.month()) : english.monthName(from.month());
        r.title = (fr ? kind.french : kind.english) + u" – "_s + month + u' ' + QString::number(from.year());
        r.description = fr ? kind.frenchDescription : kind.englishDescription;
        r.createdAt = QDateTime(r.periodTo.addDays(2), QTime(9, 30).addSecs(60 * i), Qt::UTC);
        r.generatedAt = r.createdAt.addSecs(45 + 7 * i);
        if (i == Count - 1 || i == Count - 2 || i == 21) {
            r.status = i == 21 ? u"failed"_s : i == Count - 1 ? u"pending"_s : u"processing"_s;
            r.generatedAt = {};
            r.downloadAvailable = false;
        }

        const QList<Invoice> list = invoices(rng, r.periodFrom, r.periodTo, 30 + rng.bounded(20));
        const QString base = kind.slug + from.toString(u"_yyyy_MM"_s);
        const bool pdf = kind.type == u"financial"_s || (kind.type == u"aging"_s && i % 8 == 3);
        if (pdf) {
            r.filename = base + u".pdf"_s;
            r.mimeType = PdfMime;
        } else if (kind.type == u"collection"_s) {
            r.filename = base + u".csv"_s;
            r.mimeType = CsvMime;
        } else {
            r.filename = base + u".xlsx"_s;
            r.mimeType = XlsxMime;
        }
        // Reports that are not ready have no file yet, like the real service.
        if (r.downloadAvailable)
            r.content = pdf ? pdfContent(r, list, fr) : r.mimeType == CsvMime ? csvContent(list) : xlsxContent(r, list);
        out.append(r);
    }

    SandboxReport large;
    large.id = largeReportId();
    large.type = u"export"_s;
    large.title = u"Full ledger export (268 MB)"_s;
    large.description = u"Every ledger line since 2024, for the memory benchmark."_s;
    large.filename = u"ledger_export_full.csv"_s;
    large.mimeType = CsvMime;
    large.periodFrom = QDate(2024, 1, 1);
    large.periodTo = QDate(2026, 10, 31);
    large.createdAt = QDateTime(QDate(2026, 11, 3), QTime(8, 0), Qt::UTC);
    large.generatedAt = large.createdAt.addSecs(600);
    large.generatedSize = LargeReportSize;
    out.append(large);
    return out;
}

} // namespace getbill::sandbox
