// The rate-limit reserve of unattended work: RateBudget's arithmetic, the Clock seam, and RequestGate alone and in
// front of real requests to the sandbox, with a ManualClock and the sandbox's SandboxClock moved together, so an
// hour-long window passes without waiting.
#include "Clock.h"
#include "TestFixture.h"
#include "api/ApiClient.h"
#include "api/RateBudget.h"
#include "api/RequestGate.h"
#include "net/HttpJob.h"
#include "sandbox/SandboxClock.h"

#include <QSignalSpy>
#include <QTest>

using namespace getbill;
using getbill::sandbox::Fault;
using getbill::sandbox::SandboxClock;

namespace {
constexpr qint64 T0 = SandboxClock::DefaultStartMsecs;

RateLimit limit(int remaining, qint64 resetEpoch, int window = 3600, int total = 150)
{
    RateLimit r;
    r.limit = total;
    r.remaining = remaining;
    r.resetEpoch = resetEpoch;
    r.windowSeconds = window;
    return r;
}

int apiRequests(const sandbox::SandboxServer &server)
{
    int n = 0;
    const QList<sandbox::RecordedRequest> all = server.requests();
    for (const sandbox::RecordedRequest &r : all)
        if (r.host == Fault::Host::Api)
            ++n;
    return n;
}
} // namespace

class tst_RequestGate : public QObject
{
    Q_OBJECT

private slots:
    void reserveArithmetic()
    {
        RateBudget budget;
        budget.setReserve(50);
        const qint64 reset = T0 / 1000 + 3600;
        // Nothing known: one request goes to learn the limit, the others wait for its answer.
        QCOMPARE(budget.reserveHoldMs(RateLimit(), -1, 0, T0), 0);
        QCOMPARE(budget.reserveHoldMs(RateLimit(), -1, 1, T0), RateBudget::untilAnswer);
        // Above the reserve, counting the requests on their way.
        QCOMPARE(budget.reserveHoldMs(limit(51, reset), T0, 0, T0), 0);
        QCOMPARE(budget.reserveHoldMs(limit(53, reset), T0, 2, T0), 0);
        QCOMPARE(budget.reserveHoldMs(limit(53, reset), T0, 3, T0), 3600 * 1000);
        // At or below: until the reset.
        QCOMPARE(budget.reserveHoldMs(limit(50, reset), T0, 0, T0), 3600 * 1000);
        QCOMPARE(budget.reserveHoldMs(limit(0, reset), T0, 0, T0 + 1000), 3599 * 1000);
        // The reset passed: stale, one at a time again.
        QCOMPARE(budget.reserveHoldMs(limit(10, reset), T0, 0, reset * 1000), 0);
        QCOMPARE(budget.reserveHoldMs(limit(10, reset), T0, 1, reset * 1000), RateBudget::untilAnswer);
        // No reset header: trusted for a window after it was seen, else a minute.
        QCOMPARE(budget.reserveHoldMs(limit(10, -1, 600), T0, 0, T0), 600 * 1000);
        QCOMPARE(budget.reserveHoldMs(limit(10, -1, -1), T0, 0, T0), RateBudget::defaultFreshMs);
        QCOMPARE(budget.reserveHoldMs(limit(10, -1, -1), T0, 0, T0 + RateBudget::defaultFreshMs), 0);
        QVERIFY(budget.reserveFits(limit(10, reset, 3600, 51)));
        QVERIFY(!budget.reserveFits(limit(10, reset, 3600, 50)));
        QVERIFY(budget.reserveFits(RateLimit()));
    }

    void newerLimitIgnoresStaleAnswers()
    {
        const RateLimit known = limit(40, 1000);
        QCOMPARE(RateBudget::newer(known, limit(41, 1000)).remaining, 40); // an older answer, arriving late
        QCOMPARE(RateBudget::newer(known, limit(39, 1000)).remaining, 39);
        QCOMPARE(RateBudget::newer(known, limit(140, 2000)).remaining, 140); // a newer window
        QCOMPARE(RateBudget::newer(known, limit(140, 900)).remaining, 40);   // an older window
        QCOMPARE(RateBudget::newer(known, RateLimit()).remaining, 40);
        QCOMPARE(RateBudget::newer(RateLimit(), limit(7, 5)).remaining, 7);
    }

    void manualClockFiresInOrder()
    {
        ManualClock clock(T0);
        ClockTimer late(&clock);
        ClockTimer early(&clock);
        ClockTimer stopped(&clock);
        QStringList fired;
        connect(&late, &ClockTimer::timeout, this, [&] { fired << QStringLiteral("late"); });
        connect(&early, &ClockTimer::timeout, this, [&] { fired << QStringLiteral("early"); });
        connect(&stopped, &ClockTimer::timeout, this, [&] { fired << QStringLiteral("stopped"); });
        late.start(2000);
        early.startAt(T0 + 1000);
        stopped.start(500);
        stopped.stop();
        QCOMPARE(clock.pendingTimers(), 2);
        clock.advance(999);
        QVERIFY(fired.isEmpty());
        clock.advance(5000);
        QCOMPARE(fired, (QStringList{QStringLiteral("early"), QStringLiteral("late")}));
        QVERIFY(!late.isActive());
        clock.set(T0); // never backwards
        QCOMPARE(clock.nowMs(), T0 + 5999);
        // Due already: fired from the event loop, not inside start().
        early.start(0);
        QCOMPARE(fired.size(), 2);
        QTRY_COMPARE(fired.size(), 3);
    }

    void systemClockTimerFires()
    {
        SystemClock clock;
        ClockTimer timer(&clock);
        QSignalSpy fired(&timer, &ClockTimer::timeout);
        timer.start(10);
        QVERIFY(fired.wait(2000));
        QVERIFY(clock.nowMs() >= timer.dueMs());
    }

    void gateKeepsTheReserveAndSaysSoOnce()
    {
        ManualClock clock(T0);
        RequestGate gate(&clock);
        gate.setReserve(50);
        QObject context;
        int granted = 0;
        const auto ask = [&] {
            gate.acquire(&context, [&](const ApiError &refused) {
                QVERIFY(!refused.isError());
                ++granted;
            });
        };
        QSignalSpy waiting(&gate, &RequestGate::waiting);
        for (int i = 0; i < 4; ++i)
            ask();
        QTRY_COMPARE(granted, 1); // nothing known: one goes to learn
        QTest::qWait(20);
        QCOMPARE(granted, 1);
        const qint64 reset = T0 / 1000 + 3600;
        gate.release(limit(52, reset)); // 52, 51 may still go; at 50 the rest waits
        QCOMPARE(granted, 3);
        QCOMPARE(gate.inFlight(), 2);
        QCOMPARE(waiting.count(), 1);
        QCOMPARE(waiting.at(0).at(0).toDateTime().toMSecsSinceEpoch(), reset * 1000);
        QCOMPARE(waiting.at(0).at(1).value<RequestGate::Reason>(), RequestGate::Reason::Reserve);
        gate.release(limit(51, reset));
        gate.release(limit(50, reset));
        QCOMPARE(granted, 3);
        clock.set(reset * 1000 - 1);
        QCOMPARE(granted, 3);
        clock.set(reset * 1000); // the window frees up: the limit is stale, one at a time again
        QCOMPARE(granted, 4);
        QCOMPARE(waiting.count(), 1);
    }

    void rateLimitedBlocksUntilRetryAfter()
    {
        ManualClock clock(T0);
        RequestGate gate(&clock);
        QObject context;
        int granted = 0;
        QSignalSpy waiting(&gate, &RequestGate::waiting);
        gate.rateLimited(limit(0, T0 / 1000 + 60), 1800);
        gate.acquire(&context, [&](const ApiError &) { ++granted; });
        QTRY_COMPARE(waiting.count(), 1);
        QCOMPARE(waiting.at(0).at(1).value<RequestGate::Reason>(), RequestGate::Reason::Exhausted);
        QCOMPARE(waiting.at(0).at(0).toDateTime().toMSecsSinceEpoch(), T0 + 1800 * 1000);
        clock.advance(1799 * 1000);
        QCOMPARE(granted, 0);
        clock.advance(1000);
        QCOMPARE(granted, 1);
        // Neither retry_after nor a reset: a minute.
        gate.release({});
        gate.rateLimited(RateLimit(), std::nullopt);
        gate.acquire(&context, [&](const ApiError &) { ++granted; });
        QTest::qWait(20);
        QCOMPARE(granted, 1);
        clock.advance(RequestGate::defaultBlockMs);
        QCOMPARE(granted, 2);
    }

    void reserveAboveTheLimitIsRefused()
    {
        ManualClock clock(T0);
        RequestGate gate(&clock);
        gate.setReserve(200);
        QObject context;
        QList<ApiError> answers;
        gate.acquire(&context, [&](const ApiError &e) { answers << e; });
        QTRY_COMPARE(answers.size(), 1);
        QVERIFY(!answers.first().isError());
        gate.acquire(&context, [&](const ApiError &e) { answers << e; });
        gate.release(limit(149, T0 / 1000 + 3600));
        QTRY_COMPARE(answers.size(), 2);
        QVERIFY(gate.reserveTooLarge());
        QCOMPARE(answers.last().kind(), ApiError::Kind::InvalidInput);
        QVERIFY2(answers.last().message().contains(QLatin1String("A reserve of 200 requests cannot be kept")),
                 qPrintable(answers.last().message()));
    }

    void goneContextsAreSkippedAndADyingGateLetsGo()
    {
        ManualClock clock(T0);
        auto gate = std::make_unique<RequestGate>(&clock);
        int calls = 0;
        {
            QObject gone;
            gate->acquire(&gone, [&](const ApiError &) { ++calls; });
        }
        QObject context;
        gate->acquire(&context, [&](const ApiError &) { ++calls; });
        gate->acquire(&context, [&](const ApiError &) { ++calls; });
        QTRY_COMPARE(calls, 1); // the live one; the second waits for the first's answer
        gate.reset();
        QCOMPARE(calls, 2);
    }

    // ---- in front of real requests ---------------------------------------------------------------------------
    void requestsWaitForTheWindowAndNeverPassTheReserve()
    {
        test::TestFixture fixture;
        sandbox::SandboxServer &server = fixture.server();
        SandboxClock sandboxClock;
        server.setClock(sandboxClock.function());
        server.setRateLimit(12, 3600);
        ManualClock clock(SandboxClock::DefaultStartMsecs);
        RequestGate gate(&clock);
        gate.setReserve(5);
        fixture.api().setRequestGate(&gate);
        QSignalSpy waiting(&gate, &RequestGate::waiting);

        QList<HttpJob *> jobs;
        int done = 0;
        for (int i = 0; i < 10; ++i) {
            HttpJob *job = fixture.api().get(QStringLiteral("/reports"));
            connect(job, &Job::finished, this, [&done] { ++done; });
            job->start();
            jobs << job;
        }
        QTRY_COMPARE(waiting.count(), 1);
        // 12 allowed, 5 kept: the eighth request would have been sent at Remaining 5.
        QTRY_COMPARE(done, 7);
        QTest::qWait(50);
        QCOMPARE(apiRequests(server), 7);
        QCOMPARE(done, 7);
        sandboxClock.advance(std::chrono::seconds(3600));
        clock.advance(3600 * 1000);
        QTRY_COMPARE(done, 10);
        QCOMPARE(apiRequests(server), 10);
        for (HttpJob *job : std::as_const(jobs)) {
            QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
            delete job;
        }
        QCOMPARE(waiting.count(), 1);
    }

    void aServerThatNeverLetsAnythingThroughIsAFailureInTheEnd()
    {
        test::TestFixture fixture;
        sandbox::SandboxServer &server = fixture.server();
        Fault f;
        f.status = 429;
        f.times = -1;
        f.body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
                     "details":{"retry_after":0}})";
        f.headers = {{"X-RateLimit-Remaining", "0"}};
        server.addFault(f);
        ManualClock clock(SandboxClock::DefaultStartMsecs);
        RequestGate gate(&clock);
        fixture.api().setRequestGate(&gate);
        std::unique_ptr<HttpJob> job(fixture.api().get(QStringLiteral("/reports")));
        QSignalSpy finished(job.get(), &Job::finished);
        job->start();
        // Each 429 holds everything for a minute (it says neither when nor how long): move the clock on each time.
        for (int i = 0; i < 200 && finished.isEmpty(); ++i) {
            QTest::qWait(5);
            clock.advance(RequestGate::defaultBlockMs);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 10'000);
        QCOMPARE(job->error().httpStatus(), 429);
        // The first, one after each of the gate's waits, then the retry policy's own retries.
        QCOMPARE(apiRequests(server), 1 + RequestGate::maxRateLimitedWaits + (fixture.options().retry.maxAttempts - 1));
    }

    void a429WaitsForTheWindowInsteadOfFailing()
    {
        test::TestFixture fixture;
        sandbox::SandboxServer &server = fixture.server();
        SandboxClock sandboxClock;
        server.setClock(sandboxClock.function());
        const qint64 reset = SandboxClock::DefaultStartMsecs / 1000 + 1800;
        Fault f;
        f.status = 429;
        f.body = R"({"error":true,"message":"Rate limit exceeded. Please try again later.","code":429,
                     "details":{"retry_after":1800}})";
        f.headers = {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", QByteArray::number(reset)}};
        server.addFault(f);
        ManualClock clock(SandboxClock::DefaultStartMsecs);
        RequestGate gate(&clock);
        fixture.api().setRequestGate(&gate);
        QSignalSpy waiting(&gate, &RequestGate::waiting);
        std::unique_ptr<HttpJob> job(fixture.api().get(QStringLiteral("/reports")));
        QSignalSpy retrying(job.get(), &HttpJob::retrying);
        QSignalSpy finished(job.get(), &Job::finished);
        job->start();
        QTRY_COMPARE(waiting.count(), 1);
        QCOMPARE(waiting.at(0).at(1).value<RequestGate::Reason>(), RequestGate::Reason::Exhausted);
        QTest::qWait(50);
        QVERIFY(finished.isEmpty()); // far beyond RetryPolicy::maxServerWait, and still not a failure
        sandboxClock.advance(std::chrono::seconds(1800));
        clock.advance(1800 * 1000);
        QVERIFY(finished.wait(5000));
        QVERIFY2(job->succeeded(), qPrintable(job->error().message()));
        QCOMPARE(apiRequests(server), 2);
        QCOMPARE(retrying.count(), 0); // the gate said it once; no "trying again" per request
    }
};

QTEST_GUILESS_MAIN(tst_RequestGate)
#include "tst_requestgate.moc"
