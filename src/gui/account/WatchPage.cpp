#include "WatchPage.h"

#include "Format.h"
#include "PlainText.h"
#include "Settings.h"
#include "WatchRuleDialog.h"
#include "download/WatchScheduler.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace getbill::gui {

WatchPage::WatchPage(Settings *settings, SaveLocationChooser *chooser, const QString &account, WatchScheduler *watch,
                     QWidget *parent)
    : QWidget(parent), m_settings(settings), m_chooser(chooser), m_account(account), m_watch(watch),
      m_rules(settings->watchRules(account)), m_list(new QTreeWidget(this)), m_interval(new QSpinBox(this)),
      m_add(new QPushButton(tr("&Add…"), this)), m_edit(new QPushButton(tr("&Edit…"), this)),
      m_remove(new QPushButton(tr("&Remove"), this)), m_run(new QPushButton(tr("R&un now"), this)),
      m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("watchPage"));
    auto *intro = new QLabel(tr("While GetBill Reports runs, also in the tray, watch rules save each new completed "
                                "report of their types into their folder, as getbill-reports-cli sync does. Reports "
                                "being generated are saved once they complete."),
                             this);
    intro->setObjectName(QStringLiteral("watchIntro"));
    intro->setWordWrap(true);
    PlainText::apply(intro);

    m_list->setObjectName(QStringLiteral("watchRules"));
    m_list->setAccessibleName(tr("Watch rules"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setHeaderLabels({tr("Rule"), tr("Types"), tr("Folder"), tr("Template")});
    m_list->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_list->header()->setStretchLastSection(true);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &WatchPage::updateButtons);
    connect(m_list, &QTreeWidget::itemActivated, this, [this] { editRule(); });
    // The check box of a row is the rule's on/off.
    connect(m_list, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *item, int column) {
        const int index = m_list->indexOfTopLevelItem(item);
        if (column == 0 && index >= 0 && index < m_rules.size())
            m_rules[index].enabled = item->checkState(0) == Qt::Checked;
    });

    for (auto [button, name, accessible] :
         {std::tuple{m_add, "watchAdd", tr("Add watch rule")}, std::tuple{m_edit, "watchEdit", tr("Edit watch rule")},
          std::tuple{m_remove, "watchRemove", tr("Remove watch rule")},
          std::tuple{m_run, "watchRunNow", tr("Run watch rule now")}}) {
        button->setObjectName(QLatin1String(name));
        button->setAccessibleName(accessible);
    }
    connect(m_add, &QPushButton::clicked, this, [this] { addRule(); });
    connect(m_edit, &QPushButton::clicked, this, [this] { editRule(); });
    connect(m_remove, &QPushButton::clicked, this, &WatchPage::removeRule);
    connect(m_run, &QPushButton::clicked, this, &WatchPage::runSelected);
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_edit);
    buttons->addWidget(m_remove);
    buttons->addSpacing(12);
    buttons->addWidget(m_run);
    buttons->addStretch();
    auto *listRow = new QHBoxLayout;
    listRow->addWidget(m_list, 1);
    listRow->addLayout(buttons);

    m_interval->setObjectName(QStringLiteral("watchInterval"));
    m_interval->setAccessibleName(tr("Minutes between checks"));
    m_interval->setRange(Settings::minWatchInterval, Settings::maxWatchInterval);
    m_interval->setValue(m_settings->watchIntervalMinutes());
    m_interval->setSuffix(tr(" min"));
    auto *intervalLabel = new QLabel(tr("&Check for new reports every:"), this);
    intervalLabel->setBuddy(m_interval);
    auto *intervalHint = new QLabel(tr("(less often when GetBill's hourly request budget runs low)"), this);
    intervalHint->setWordWrap(true);
    auto *intervalRow = new QHBoxLayout;
    intervalRow->addWidget(intervalLabel);
    intervalRow->addWidget(m_interval);
    intervalRow->addWidget(intervalHint, 1);

    m_status->setObjectName(QStringLiteral("watchStatus"));
    m_status->setAccessibleName(tr("Watch rule status"));
    m_status->setWordWrap(true);
    PlainText::apply(m_status);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(listRow, 1);
    layout->addLayout(intervalRow);
    layout->addWidget(m_status);
    if (m_watch)
        connect(m_watch, &WatchScheduler::runFinished, this, &WatchPage::onRunFinished);
    fill();
}

void WatchPage::fill()
{
    const QSignalBlocker blocker(m_list);
    const int selected = current();
    m_list->clear();
    for (const WatchRule &rule : std::as_const(m_rules)) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, rule.enabled ? Qt::Checked : Qt::Unchecked);
        item->setText(0, rule.name);
        // The types as the list names them ("Financial"), not the API's words.
        QStringList types;
        for (const QString &type : rule.types)
            types << Format::typeText(type);
        item->setText(1, types.isEmpty() ? tr("Every type") : types.join(QLatin1String(", ")));
        item->setText(2, QDir::toNativeSeparators(rule.folder));
        item->setText(3, rule.templateText);
        item->setToolTip(2, QDir::toNativeSeparators(rule.folder));
    }
    // Names and types are short: whole; the folder and the template share the rest.
    m_list->resizeColumnToContents(0);
    m_list->resizeColumnToContents(1);
    if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(std::clamp(selected, 0, m_list->topLevelItemCount() - 1)));
    updateButtons();
}

int WatchPage::current() const
{
    QTreeWidgetItem *item = m_list->currentItem();
    return item ? m_list->indexOfTopLevelItem(item) : -1;
}

void WatchPage::updateButtons()
{
    const int index = current();
    m_edit->setEnabled(index >= 0);
    m_remove->setEnabled(index >= 0);
    m_run->setEnabled(index >= 0 && m_watch && !m_watch->isRunning(m_rules.at(index).name));
}

bool WatchPage::edit(int index)
{
    QStringList taken;
    for (int i = 0; i < m_rules.size(); ++i)
        if (i != index)
            taken << m_rules.at(i).name;
    WatchRule start;
    if (index >= 0)
        start = m_rules.at(index);
    else
        start.folder = m_settings->downloadFolder();
    WatchRuleDialog dialog(start, taken, m_chooser, this);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    if (index >= 0) {
        m_rules[index] = dialog.rule();
    } else {
        m_rules << dialog.rule();
        index = int(m_rules.size()) - 1;
    }
    fill();
    m_list->setCurrentItem(m_list->topLevelItem(index));
    return true;
}

bool WatchPage::addRule()
{
    return edit(-1);
}

bool WatchPage::editRule()
{
    return current() >= 0 && edit(current());
}

void WatchPage::removeRule()
{
    const int index = current();
    if (index < 0)
        return;
    m_rules.removeAt(index);
    fill();
}

void WatchPage::runSelected()
{
    const int index = current();
    if (index < 0 || !m_watch)
        return;
    const WatchRule &rule = m_rules.at(index);
    QString error;
    if (!m_watch->runNow(rule, &error)) {
        m_status->setText(error);
        return;
    }
    if (m_watch->isRunning(rule.name))
        m_status->setText(tr("“%1” is looking for new reports…").arg(rule.name));
    updateButtons();
}

void WatchPage::onRunFinished(const WatchRun &run)
{
    if (run.error.isError())
        m_status->setText(tr("“%1”: %2").arg(run.rule, run.error.message()));
    else if (run.saved.isEmpty())
        m_status->setText(tr("“%1”: nothing new.").arg(run.rule));
    else
        m_status->setText(tr("“%1”: %n new report(s) saved.", nullptr, int(run.saved.size())).arg(run.rule));
    updateButtons();
}

QString WatchPage::statusText() const
{
    return m_status->text();
}

void WatchPage::save()
{
    m_settings->setWatchRules(m_account, m_rules);
    m_settings->setWatchIntervalMinutes(m_interval->value());
}

} // namespace getbill::gui
