#pragma once

#include <QByteArray>
#include <QString>

namespace getbill::test {

/// Small PDF files written byte by byte for the preview's tests: real documents with several pages, a link and a
/// script, and the ways a PDF can be broken or hostile (a cross-reference table that points nowhere, a truncated
/// file, encryption, pages of impossible sizes, a page tree that repeats one page many times or contains itself).
struct TestPdf
{
    int pages = 3;
    /// Page 1 has a link annotation to this URI (none when empty) over the text "Click here".
    QByteArray linkUri;
    /// The document opens with this JavaScript action (none when empty).
    QByteArray openScript;
    /// MediaBox of every page.
    QByteArray mediaBox = "0 0 595 842";
    /// The page tree lists the first page this many times (0: each page once).
    int repeatFirstPage = 0;
    /// The page tree's only kid is itself (PDFium in Qt 6.4 then loops for ever while loading).
    bool pageTreeContainsItself = false;
    /// Every offset in the cross-reference table is wrong (PDFium rebuilds the table by scanning).
    bool wrongXref = false;
    /// Besides a wrong table, no object can be found by scanning either: nothing to rebuild from.
    bool unreadableObjects = false;
    /// An /Encrypt dictionary with this filter ("Standard": a password nobody knows).
    QByteArray encryptFilter;

    QByteArray bytes() const;
    bool write(const QString &path) const;
    /// The text of page `page` (1-based) as getAllText() reads it back.
    static QString pageText(int page, int pages);
};

} // namespace getbill::test
