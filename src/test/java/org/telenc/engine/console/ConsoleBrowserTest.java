package org.telenc.engine.console;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.telenc.engine.support.EngineTest;
import org.telenc.engine.support.Json;

/**
 * The operator console in a real browser: Debian's headless Chromium driven through its
 * chromedriver (Selenium), on the whole engine as {@link ConsoleTest} runs it (sandbox mode, demo
 * data, demo users). It logs in through the form as each role, finds a job with the search box and
 * reads its timeline, resends a delivery as an operator and sees the new attempt, is refused a
 * viewer's resend, runs axe-core on every main page, and checks that the browser enforces the
 * console's Content-Security-Policy. With {@code -Dconsole.screenshots=docs/images} it also writes
 * the README's screenshots (1280x900).
 *
 * <p>Nothing is downloaded: the browser and the driver are Debian's, at fixed paths, and Selenium
 * is given both (so Selenium Manager never runs). Without them the class is skipped, except in CI
 * ({@code CI=true}), where it fails, as the PostgreSQL run fails without its database.
 */
// browser flows over the console: their queries run on PostgreSQL in ConsoleTest and the other console tests
@Tag("browser")
class ConsoleBrowserTest extends EngineTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String MISSING = "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver);"
            + " .ci/run installs them";
    /** Where the README's screenshots go when set (a folder, e.g. docs/images). */
    static final String SCREENSHOTS = System.getProperty("console.screenshots", "");
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The patient data of the seeded encounter: none of it may be on any page. */
    static final List<String> PHI = List.of("100234", "Jane", "Doe", "lisinopril", "Lisinopril", "Out of pills", "Refill request");

    @Autowired
    JdbcTemplate jdbc;

    private Path profile;
    private WebDriver driver;
    private WebDriverWait wait;

    /** Selenium looks for a DevTools binding of this Chromium's version, and warns; these tests use WebDriver only. */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

    @BeforeAll
    static void needsTheBrowser() {
        QUIET.forEach(logger -> logger.setLevel(java.util.logging.Level.SEVERE));
        boolean there = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!there && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and no browser: ConsoleBrowserTest " + MISSING);
        }
        Assumptions.assumeTrue(there, "Skipped: " + MISSING);
    }

    @BeforeEach
    void openTheBrowser() throws IOException {
        profile = Files.createTempDirectory("console-browser-");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // the machine has no network: without the background-networking flags Chromium keeps trying
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--no-proxy-server", "--window-size=1280,900",
                "--hide-scrollbars", "--user-data-dir=" + profile);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
        wait = new WebDriverWait(driver, WAIT);
    }

    @AfterEach
    void closeTheBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // --- the flows ---

    @Test
    void eachRoleLogsInThroughTheFormAndAWrongPasswordStaysOnTheLoginPage() {
        for (String role : List.of("viewer", "operator")) {
            String user = "demo-" + role;
            driver.get(url("/console/deliveries"));
            wait.until(ExpectedConditions.urlToBe(url("/console/login")));
            logIn(user, user + "-password");
            assertThat(driver.findElement(By.cssSelector("header .who")).getText()).isEqualTo(user + " (" + role + ")");
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");
            assertThat(driver.manage().getCookieNamed("JSESSIONID")).as("session cookie of " + user).isNotNull();
            driver.findElement(By.xpath("//header//button[normalize-space()='Log out']")).click();
            wait.until(ExpectedConditions.urlToBe(url("/console/login?logout")));
            assertThat(driver.findElement(By.cssSelector("main.login [role=status]")).getText()).isEqualTo("You are logged out.");
            assertThat(driver.manage().getCookieNamed("JSESSIONID")).as("after logging out").isNull();
        }

        driver.get(url("/console/login"));
        fillLogin("demo-viewer", "not-the-password");
        wait.until(ExpectedConditions.urlToBe(url("/console/login?error")));
        assertThat(driver.findElement(By.cssSelector("main.login [role=alert]")).getText()).isEqualTo("Wrong user name or password.");
        assertThat(driver.findElements(By.id("password"))).as("still the login form").hasSize(1);
        assertThat(driver.manage().getCookieNamed("JSESSIONID")).as("no session after a refused login").isNull();
        driver.get(url("/console"));
        wait.until(ExpectedConditions.urlToBe(url("/console/login")));
    }

    @Test
    void theSearchBoxFindsAJobAndItsPageShowsTheTimelineAndTheWebhookAttempts() throws Exception {
        Job job = deliveredJob();
        logIn("demo-viewer", "demo-viewer-password");
        find(job.jobId());
        wait.until(ExpectedConditions.urlToBe(url("/console/jobs/" + job.jobId())));
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Job " + job.jobId());
        assertThat(cell("telephone_encounter_id")).isEqualTo(job.encounterId());
        assertThat(cell("Client")).isEqualTo(CLIENT_ID);
        assertThat(cell("Status")).isEqualTo("completed");
        assertThat(cell("EMR resource id")).isNotBlank().isNotEqualTo("—");

        List<String> timeline = timeline();
        assertThat(timeline.get(0)).isEqualTo("accepted");
        assertThat(timeline).contains("picked up by a consumer", "outcome: completed")
                .anySatisfy(what -> assertThat(what).startsWith("webhook event telephone_encounter.created "));
        // each EMR call of the job, with its answer, between picked up and the outcome
        assertThat(timeline).anySatisfy(what -> assertThat(what).startsWith("EMR call ").endsWith(": HTTP 200 (ok)"));
        assertThat(timeline.indexOf("picked up by a consumer")).isLessThan(timeline.indexOf(timeline.stream()
                .filter(what -> what.startsWith("EMR call ")).findFirst().orElseThrow()));

        WebElement receiverRow = receiverRow();
        assertThat(receiverRow.findElement(By.xpath("td[3]")).getText()).isEqualTo("success");
        List<WebElement> attempts = receiverRow.findElements(By.xpath("td[4]//li"));
        assertThat(attempts).hasSize(1);
        assertThat(attempts.get(0).getText()).matches(".+: 204, \\d+ ms");

        // the same job by its telephone_encounter_id, from the search box of the job page itself
        find(job.encounterId());
        wait.until(ExpectedConditions.urlToBe(url("/console/jobs/" + job.jobId())));
        find("nothing-has-this-id");
        wait.until(ExpectedConditions.urlContains("/console/search"));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("No job matches.");
    }

    @Test
    void anOperatorResendsADeliveryFromTheJobPageAndTheNewAttemptAppears() throws Exception {
        Job job = deliveredJob();
        logIn("demo-operator", "demo-operator-password");
        driver.get(url("/console/jobs/" + job.jobId()));
        String delivery = receiverRow().findElement(By.xpath("td[1]")).getText();
        receiverRow().findElement(By.xpath(".//button[normalize-space()='Resend']")).click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Resend a delivery?"));
        assertThat(driver.getCurrentUrl()).isEqualTo(url("/console/deliveries/" + delivery + "/resend"));
        assertThat(received(job.encounterId())).as("nothing resent before the confirmation").isEqualTo(1);
        driver.findElement(By.id("reason")).sendKeys("TICKET-4242 receiver lost it");
        driver.findElement(By.xpath("//main//button[normalize-space()='Resend']")).click();

        wait.until(ExpectedConditions.urlToBe(url("/console/jobs/" + job.jobId())));
        assertThat(driver.findElement(By.cssSelector("main .notice")).getText()).isNotBlank();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            driver.navigate().refresh();
            List<WebElement> rows = receiverRows();
            assertThat(rows).as("deliveries to the receiver").hasSize(2);
            for (WebElement row : rows) {
                assertThat(row.findElement(By.xpath("td[3]")).getText()).isEqualTo("success");
                assertThat(row.findElements(By.xpath("td[4]//li"))).singleElement()
                        .satisfies(a -> assertThat(a.getText()).matches(".+: 204, \\d+ ms"));
            }
        });
        assertThat(received(job.encounterId())).isEqualTo(2);
        driver.get(url("/console/audit?operation=console-resend-delivery&object=" + delivery));
        assertThat(driver.findElement(By.tagName("tbody")).getText()).contains("demo-operator", delivery, "TICKET-4242 receiver lost it");
    }

    @Test
    void aViewerHasNoResendButtonAndAResendFormPostedFromItsPageIsRefused() throws Exception {
        Job job = deliveredJob();
        logIn("demo-viewer", "demo-viewer-password");
        driver.get(url("/console/jobs/" + job.jobId()));
        assertThat(driver.findElements(By.xpath("//button[normalize-space()='Resend']"))).as("Resend buttons").isEmpty();
        String delivery = receiverRow().findElement(By.xpath("td[1]")).getText();
        long before = deliveriesOfTheEventOf(delivery);

        // the form an operator's page has, made in the viewer's page with the page's own CSRF token
        assertThat(postFromThePage("/console/deliveries/" + delivery + "/resend", "yes", "TICKET-1 try")).isEqualTo(403);
        assertThat(deliveriesOfTheEventOf(delivery)).as("deliveries of the event").isEqualTo(before);
        driver.get(url("/console/deliveries"));
        assertThat(driver.findElements(By.xpath("//button[starts-with(normalize-space(), 'Re')]"))).as("Resend, Recover").isEmpty();

        // the same form from an operator's page is taken: the refusal is the role's, not the token's
        driver.findElement(By.xpath("//header//button[normalize-space()='Log out']")).click();
        wait.until(ExpectedConditions.urlToBe(url("/console/login?logout")));
        logIn("demo-operator", "demo-operator-password");
        driver.get(url("/console/jobs/" + job.jobId()));
        assertThat(postFromThePage("/console/deliveries/" + delivery + "/resend", null, null)).isEqualTo(200);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Resend a delivery?");
        assertThat(deliveriesOfTheEventOf(delivery)).as("a confirmation page resends nothing").isEqualTo(before);
        assertThat(received(job.encounterId())).isEqualTo(1);
    }

    @Test
    void theBrowserEnforcesTheConsolesContentSecurityPolicyAndWebDriverScriptsStillRun() {
        logIn("demo-viewer", "demo-viewer-password");
        JavascriptExecutor js = (JavascriptExecutor) driver;
        // WebDriver's own scripts run (Chromium evaluates them outside the page's script-src) ...
        assertThat(js.executeScript("return document.title")).isEqualTo("Overview · Engine console");
        // ... but a script or a style the page itself would carry is refused, and so is a fetch
        Object verdict = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const refused = [];
                document.addEventListener('securitypolicyviolation', e => refused.push(e.effectiveDirective));
                const script = document.createElement('script');
                script.textContent = 'window.inlineScriptRan = true;';
                document.body.appendChild(script);
                const style = document.createElement('style');
                style.textContent = 'body { background: rgb(1, 2, 3); }';
                document.head.appendChild(style);
                fetch('/console/endpoints').then(() => 'fetched', () => 'fetch refused').then(f =>
                    setTimeout(() => done({ script: window.inlineScriptRan === true, fetch: f,
                        background: getComputedStyle(document.body).backgroundColor, refused: refused.sort() }), 200));
                """);
        assertThat(verdict).isInstanceOf(java.util.Map.class);
        java.util.Map<?, ?> result = (java.util.Map<?, ?>) verdict;
        assertThat(result.get("script")).as("inline script ran").isEqualTo(false);
        assertThat(result.get("fetch")).isEqualTo("fetch refused");
        assertThat(result.get("background")).isNotEqualTo("rgb(1, 2, 3)");
        assertThat(((List<?>) result.get("refused")).stream().map(String::valueOf).toList()).contains("script-src-elem", "style-src-elem", "connect-src");
    }

    /**
     * axe-core on every main page (logged in as an operator, so every form is there): no violation
     * of impact serious or critical. With {@code console.screenshots} set, the README's screenshots.
     */
    @Test
    void noMainPageHasASeriousOrCriticalAccessibilityViolation() throws Exception {
        Job job = deliveredJob();
        seedDeadLetter(job);
        List<String> problems = new ArrayList<>();
        driver.get(url("/console/login"));
        audit("login", problems);
        logIn("demo-operator", "demo-operator-password");
        for (String[] page : new String[][] {
                {"overview", "/console"},
                {"job", "/console/jobs/" + job.jobId()},
                {"search", "/console/search?q=nothing-has-this-id"},
                {"deliveries", "/console/deliveries"},
                {"endpoints", "/console/endpoints"},
                {"connections", "/console/connections"},
                {"dead-letters", "/console/dead-letters"},
                {"audit", "/console/audit"}}) {
            driver.get(url(page[1]));
            assertThat(driver.getTitle()).as(page[1]).endsWith("· Engine console");
            audit(page[0], problems);
        }
        driver.get(url("/console/dead-letters"));
        String deadLetter = deadLetterOf(job);
        // the confirmation pages too
        driver.get(url("/console/jobs/" + job.jobId()));
        receiverRow().findElement(By.xpath(".//button[normalize-space()='Resend']")).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Resend a delivery?"));
        audit("confirm-resend", problems);
        driver.get(url("/console/dead-letters"));
        discard(deadLetter);
        assertThat(problems).as("serious or critical axe-core violations").isEmpty();
    }

    // --- the pages, as a person uses them ---

    void logIn(String user, String password) {
        driver.get(url("/console/login"));
        fillLogin(user, password);
        wait.until(ExpectedConditions.urlToBe(url("/console")));
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Overview"));
    }

    void fillLogin(String user, String password) {
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.xpath("//main//button[normalize-space()='Log in']")).click();
    }

    /** Types the term into the search box of the page and submits it. */
    void find(String term) {
        WebElement box = driver.findElement(By.id("q"));
        box.clear();
        box.sendKeys(term);
        driver.findElement(By.xpath("//form[@role='search']//button[normalize-space()='Find']")).click();
    }

    /** The value beside a row heading of the job page's first table. */
    String cell(String heading) {
        return driver.findElement(By.xpath("//main/table[1]//tr[th[normalize-space()='" + heading + "']]/td")).getText();
    }

    /** The "What" column of the job page's timeline, in order. */
    List<String> timeline() {
        return driver.findElements(By.xpath("//h2[.='Timeline']/following-sibling::table[1]/tbody/tr/td[2]")).stream()
                .map(WebElement::getText).toList();
    }

    /** The job page's delivery rows to the test's receiver (by its host:port). */
    List<WebElement> receiverRows() {
        return driver.findElements(By.xpath("//section//tbody/tr[td[2][normalize-space()='" + receiverHost() + "']]"));
    }

    WebElement receiverRow() {
        return wait.until(d -> receiverRows().isEmpty() ? null : receiverRows().get(0));
    }

    static String receiverHost() {
        return "127.0.0.1:" + URI.create(receiver.url()).getPort();
    }

    /**
     * Builds a form in the page (as an operator's page has one) carrying the page's CSRF token
     * (its hidden field; the cookie is HttpOnly), posts it, and answers the HTTP status of the page
     * the browser then shows. A null field is left out.
     */
    int postFromThePage(String path, String confirmed, String reason) {
        String before = driver.getCurrentUrl();
        ((JavascriptExecutor) driver).executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = arguments[0];
                const fields = { _csrf: document.querySelector('input[name=_csrf]').value, confirmed: arguments[1], reason: arguments[2] };
                for (const [name, value] of Object.entries(fields)) {
                  if (value !== null) {
                    const input = document.createElement('input');
                    input.type = 'hidden'; input.name = name; input.value = value;
                    form.appendChild(input);
                  }
                }
                document.body.appendChild(form);
                form.submit();
                """, path, confirmed, reason);
        wait.until(d -> !before.equals(d.getCurrentUrl()) && "complete".equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState")));
        assertThat(driver.getCurrentUrl()).isEqualTo(url(path));
        return ((Number) ((JavascriptExecutor) driver).executeScript(
                "return performance.getEntriesByType('navigation')[0].responseStatus")).intValue();
    }

    /** Discards the dead letter from the dead-letters page: its button, then the confirmation. */
    void discard(String messageId) {
        driver.findElement(By.xpath("//tr[td[1][.='" + messageId + "']]//button[normalize-space()='Discard']")).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Discard this message?"));
        driver.findElement(By.cssSelector("main input[name=reason]")).sendKeys("TICKET-7 test message");
        driver.findElement(By.xpath("//main//form//button[normalize-space()='Discard']")).click();
        wait.until(ExpectedConditions.urlToBe(url("/console/dead-letters")));
        assertThat(driver.findElements(By.xpath("//tr[td[1][.='" + messageId + "']]"))).as("discarded").isEmpty();
    }

    /**
     * Runs axe-core on the page shown and adds each serious or critical violation (rule id, impact,
     * node targets) to the problems; also makes sure no patient data is on the page, and saves a
     * screenshot when asked to.
     */
    void audit(String name, List<String> problems) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(axeSource());
        String answer = (String) js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'] })
                  .then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify({ error: String(e) })));
                """);
        JsonNode violations = JSON.readTree(answer);
        assertThat(violations.isArray()).as(name + ": axe answered " + answer).isTrue();
        for (JsonNode violation : violations) {
            String impact = violation.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                List<String> targets = new ArrayList<>();
                violation.path("nodes").forEach(n -> targets.add(n.path("target").toString()));
                problems.add(name + ": " + violation.path("id").asText() + " (" + impact + ") " + targets);
            }
        }
        String source = driver.getPageSource();
        for (String phi : PHI) {
            assertThat(source).as(name + " shows no patient data").doesNotContain(phi);
        }
        if (!SCREENSHOTS.isBlank() && List.of("overview", "job", "deliveries", "connections", "dead-letters", "audit").contains(name)) {
            Path dir = Path.of(SCREENSHOTS);
            Files.createDirectories(dir);
            Files.write(dir.resolve("console-" + name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        }
    }

    private static String axe;

    /** axe-core's axe.min.js from its WebJar (the version the pom pins). */
    static synchronized String axeSource() throws IOException {
        if (axe == null) {
            Properties pom = new Properties();
            try (InputStream in = ConsoleBrowserTest.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
                pom.load(in);
            }
            String path = "/META-INF/resources/webjars/axe-core/" + pom.getProperty("version") + "/axe.min.js";
            try (InputStream in = ConsoleBrowserTest.class.getResourceAsStream(path)) {
                axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return axe;
    }

    // --- the data ---

    record Job(String jobId, String encounterId) {
    }

    /** An encounter (with patient data that no page may show) through the API, delivered to the test's receiver. */
    Job deliveredJob() throws Exception {
        HttpResponse<String> accepted = post("/v1/telephone-encounters", Json.object("patient_mrn", "100234",
                "provider_id", "12241", "location_id", "31", "assigned_to_id", "12220", "reason", "Refill request",
                "refill_medication_name", "lisinopril", "pharmacy_ehr_id", "PH-2001", "caller", "Jane Doe",
                "message", "Out of pills by Friday", "is_high_priority", "false"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(accepted.body());
        String id = body.path("telephone_encounter_id").asText();
        receiver.awaitOne(b -> b.contains(id), Duration.ofSeconds(60));
        return new Job(body.path("job_id").asText(), id);
    }

    /** A dead letter of the job's delivery on DLQ.webhooks.deliver, as the delivery route leaves one. */
    void seedDeadLetter(Job job) {
        String delivery = jdbc.queryForObject("""
                select d.id from webhook_delivery d join webhook_event e on e.id = d.event_id where e.encounter_id = ?
                 order by d.created_at limit 1""", String.class, job.encounterId());
        camel.sendBody("activemq:queue:DLQ.webhooks.deliver", JSON.createObjectNode().put("delivery_id", delivery).toString());
    }

    /** The message id of the job's dead letter on the dead-letters page shown. */
    String deadLetterOf(Job job) {
        return wait.until(d -> d.findElements(By.xpath("//tr[td[2][.='DLQ.webhooks.deliver']][.//a[.='" + job.jobId() + "']]/td[1]"))
                .stream().findFirst().map(WebElement::getText).orElse(null));
    }

    long deliveriesOfTheEventOf(String delivery) {
        return jdbc.queryForObject("select count(*) from webhook_delivery d join webhook_delivery o on o.event_id = d.event_id"
                + " where o.id = ?", Long.class, delivery);
    }

    private long received(String encounterId) {
        return receiver.received().stream().filter(r -> r.bodyText().contains(encounterId)).count();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
