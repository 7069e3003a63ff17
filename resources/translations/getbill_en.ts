<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>getbill::Format</name>
    <message numerus="yes">
        <source>%n report id(s)</source>
        <translation>
            <numerusform>%n report id</numerusform>
            <numerusform>%n report ids</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::SyncJob</name>
    <message numerus="yes">
        <source>%n reports are still being generated; not fetched this time (--wait-pending waits for reports being generated).</source>
        <translation>
            <numerusform>%n report is still being generated; not fetched this time (--wait-pending waits for reports being generated).</numerusform>
            <numerusform>%n reports are still being generated; not fetched this time (--wait-pending waits for reports being generated).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::DesktopIntegration</name>
    <message numerus="yes">
        <source>Watch rule “%1”: %n new report(s) saved to %2.</source>
        <translation>
            <numerusform>Watch rule “%1”: %n new report saved to %2.</numerusform>
            <numerusform>Watch rule “%1”: %n new reports saved to %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new report(s) saved to %1</source>
        <translation>
            <numerusform>%n new report saved to %1</numerusform>
            <numerusform>%n new reports saved to %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n downloads finished</source>
        <translation>
            <numerusform>%n download finished</numerusform>
            <numerusform>%n downloads finished</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::DialogSaveLocation</name>
    <message numerus="yes">
        <source>Save %n reports to</source>
        <translation>
            <numerusform>Save %n report to</numerusform>
            <numerusform>Save %n reports to</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::DownloadsPanel</name>
    <message numerus="yes">
        <source>%n running</source>
        <translation>
            <numerusform>%n running</numerusform>
            <numerusform>%n running</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n saved</source>
        <translation>
            <numerusform>%n saved</numerusform>
            <numerusform>%n saved</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::DropOverlay</name>
    <message numerus="yes">
        <source>Drop %n report ids to download</source>
        <translation>
            <numerusform>Drop %n report id to download</numerusform>
            <numerusform>Drop %n report ids to download</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::QuitQuestion</name>
    <message numerus="yes">
        <source>%n downloads are running.</source>
        <translation>
            <numerusform>%n download is running.</numerusform>
            <numerusform>%n downloads are running.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportsView</name>
    <message numerus="yes">
        <source>%n reports loaded</source>
        <translation>
            <numerusform>%n report loaded</numerusform>
            <numerusform>%n reports loaded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reports</source>
        <translation>
            <numerusform>%n report</numerusform>
            <numerusform>%n reports</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::TrayIcon</name>
    <message numerus="yes">
        <source>GetBill Reports — %n downloads running</source>
        <translation>
            <numerusform>GetBill Reports — %n download running</numerusform>
            <numerusform>GetBill Reports — %n downloads running</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::WatchPage</name>
    <message numerus="yes">
        <source>“%1”: %n new report(s) saved.</source>
        <translation>
            <numerusform>“%1”: %n new report saved.</numerusform>
            <numerusform>“%1”: %n new reports saved.</numerusform>
        </translation>
    </message>
</context>
</TS>
