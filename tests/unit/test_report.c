/* Unit tests of the report's pieces that need no results file: HTML
 * escaping (nothing from a file can open a tag), numbers as the page shows
 * them, SHA-256 against FIPS 180-4's examples, the share of positive values
 * estimated from quantiles, and the answer sentence of a synthetic summary. */
#include "check.h"
#include "report/report.h"

#include <stdint.h>
#include <unistd.h>

static char *escaped(const char *s)
{
    infl__strbuf b = {0};
    infl__report_escape(&b, s);
    char *out = infl__strbuf_take(&b);
    return out ? out : strdup("");
}

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        check_count++;                                                                             \
        if (strcmp(sa_, sb_) != 0) {                                                               \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:    [%s]\n  wanted: [%s]\n",       \
                    __FILE__, __LINE__, #a, sa_, sb_);                                             \
        }                                                                                          \
    } while (0)

static void test_escape(void)
{
    char *s = escaped("<script>alert(\"x\" & 'y')</script>");
    CHECK_STR(s, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
    free(s);
    s = escaped("Österreich 日本");
    CHECK_STR(s, "Österreich 日本");
    free(s);
    /* Invalid UTF-8 and control characters become U+FFFD, one per byte. */
    s = escaped("a\xff"
                "b\x01"
                "c\xc3");
    CHECK_STR(s, "a\xef\xbf\xbd"
                 "b\xef\xbf\xbd"
                 "c\xef\xbf\xbd");
    free(s);
    s = escaped("overlong \xc0\xaf surrogate \xed\xa0\x80");
    CHECK(strstr(s, "\xc0") == NULL && strstr(s, "\xed\xa0") == NULL);
    free(s);
    s = escaped("tab\tand\nline");
    CHECK_STR(s, "tab\tand\nline");
    free(s);
    infl__strbuf b = {0};
    infl__report_escape(&b, NULL);
    infl__report_escape_n(&b, "<ab", 2);
    s = infl__strbuf_take(&b);
    CHECK_STR(s ? s : "", "&lt;a");
    free(s);
}

static void test_number(void)
{
    char buf[64];
    /* Rounded to two significant digits of the standard error. */
    infl__report_number(buf, sizeof buf, 20.8123, 0.17);
    CHECK_STR(buf, "20.81");
    infl__report_number(buf, sizeof buf, 0.97812, 0.015);
    CHECK_STR(buf, "0.978");
    infl__report_number(buf, sizeof buf, 123456.7, 340);
    CHECK_STR(buf, "123\xe2\x80\x89"
                   "460");
    /* Without one: whole numbers whole, others to 3 significant digits. */
    infl__report_number(buf, sizeof buf, 54, 0);
    CHECK_STR(buf, "54");
    infl__report_number(buf, sizeof buf, 10000, NAN);
    CHECK_STR(buf, "10\xe2\x80\x89"
                   "000");
    infl__report_number(buf, sizeof buf, 1000, 0);
    CHECK_STR(buf, "1000");
    infl__report_number(buf, sizeof buf, 0.52, 0.52);
    CHECK_STR(buf, "0.52");
    infl__report_number(buf, sizeof buf, 3.14159, 0);
    CHECK_STR(buf, "3.14");
    infl__report_number(buf, sizeof buf, -2.5, 0.1);
    CHECK_STR(buf, "\xe2\x88\x92"
                   "2.50");
    infl__report_number(buf, sizeof buf, -0.001, 0.1);
    CHECK_STR(buf, "0.00"); /* never "-0" */
    infl__report_number(buf, sizeof buf, NAN, 1);
    CHECK_STR(buf, "\xe2\x80\x93");

    infl__report_money(buf, sizeof buf, 25062.4, "USD");
    CHECK_STR(buf, "25,062\xc2\xa0USD");
    infl__report_money(buf, sizeof buf, 4938, "USD");
    CHECK_STR(buf, "4,938\xc2\xa0USD");
    infl__report_money(buf, sizeof buf, -1234567, "EUR");
    CHECK_STR(buf, "\xe2\x88\x92"
                   "1,234,567\xc2\xa0"
                   "EUR");
    infl__report_money(buf, sizeof buf, 12.5, NULL);
    CHECK_STR(buf, "12.50");
    infl__report_money(buf, sizeof buf, 999, "");
    CHECK_STR(buf, "999");

    infl__report_percent(buf, sizeof buf, 0.62);
    CHECK_STR(buf, "62\xc2\xa0%");
    infl__report_percent(buf, sizeof buf, 0.996);
    CHECK_STR(buf, "more than 99\xc2\xa0%");
    infl__report_percent(buf, sizeof buf, 1);
    CHECK_STR(buf, "100\xc2\xa0%");
    infl__report_percent(buf, sizeof buf, 0.001);
    CHECK_STR(buf, "fewer than 1\xc2\xa0%");
    infl__report_percent(buf, sizeof buf, 0);
    CHECK_STR(buf, "0\xc2\xa0%");
    infl__report_times(buf, sizeof buf, 21.27);
    CHECK_STR(buf, "21\xc3\x97");
    infl__report_times(buf, sizeof buf, 1.34);
    CHECK_STR(buf, "1.3\xc3\x97");

    CHECK_NEAR(infl__report_log10(1000), 3, 1e-12);
    CHECK_NEAR(infl__report_pow10(-2), 0.01, 1e-18);
}

static void hex(const unsigned char d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_sha256(void)
{
    unsigned char d[32];
    char h[65];
    infl__report_sha256("", 0, d);
    hex(d, h);
    CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    infl__report_sha256("abc", 3, d);
    hex(d, h);
    CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    infl__report_sha256(two, strlen(two), d);
    hex(d, h);
    CHECK_STR(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* A million 'a' (FIPS 180-4's long example), through a file: blocks
     * split across reads. */
    char path[] = "/tmp/test_report_sha_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    for (int i = 0; fd >= 0 && i < 1000; i++)
        CHECK_INT(write(fd, chunk, sizeof chunk), 1000);
    if (fd >= 0)
        close(fd);
    char file_hex[65] = "";
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(infl__report_sha256_file(path, file_hex, &err), INFL_OK);
    CHECK_STR(file_hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    unlink(path);
    CHECK_INT(infl__report_sha256_file(path, file_hex, &err), INFL_EIO);
    CHECK_CONTAINS(infl_error_message(&err), path);
    infl_error_destroy(&err);
}

/* A summary of ns strategies whose conversions have the given means. */
static infl_summary *summary_of(size_t ns, const double *means)
{
    infl_summary *sm = calloc(1, sizeof *sm);
    sm->n_strategies = ns;
    sm->n_metrics = 1;
    sm->n_trials = 100;
    sm->strategy_names = calloc(ns, sizeof *sm->strategy_names);
    sm->metrics = calloc(1, sizeof *sm->metrics);
    sm->metrics[0].name = strdup("conversions");
    sm->metrics[0].long_name = strdup("conversions");
    sm->metrics[0].units = strdup("1");
    sm->stats = calloc(ns, sizeof *sm->stats);
    sm->p_greater = calloc(ns * ns, sizeof(double));
    sm->p_tie = calloc(ns * ns, sizeof(double));
    sm->mean_difference = calloc(ns * ns, sizeof(double));
    sm->se_difference = calloc(ns * ns, sizeof(double));
    for (size_t s = 0; s < ns; s++) {
        char name[32];
        snprintf(name, sizeof name, s == 1 ? "<b>%zu" : "s%zu", s);
        sm->strategy_names[s] = strdup(name);
        sm->stats[s].n = 100;
        sm->stats[s].mean = means[s];
        sm->stats[s].se = 0.1;
    }
    return sm;
}

static char *answer(const infl_summary *sm, const double *pp, const double *pl)
{
    infl__strbuf b = {0};
    infl__report_answer(&b, sm, pp, pl, true);
    char *s = infl__strbuf_take(&b);
    return s ? s : strdup("");
}

static void test_answer(void)
{
    const double means[3] = {20.8, 0.98, 14.9};
    infl_summary *sm = summary_of(3, means);
    sm->p_greater[0 * 3 + 1] = 0.984;
    sm->p_greater[0 * 3 + 2] = 0.904;
    CHECK_INT(infl__report_best(sm), 0);
    const double pp[3] = {0, 0, 0};
    char *s = answer(sm, pp, NULL);
    CHECK_CONTAINS(s, "<b>s0</b> sells about 21\xc3\x97 as much as <b>&lt;b&gt;1</b>");
    CHECK_CONTAINS(s, "beats it in 98\xc2\xa0% of simulated campaigns");
    CHECK_CONTAINS(s, "(90\xc2\xa0% against <b>s2</b>)");
    CHECK_CONTAINS(s, "none pays back on first purchases.");
    free(s);
    const double pp2[3] = {0.62, 0, 0.4};
    s = answer(sm, pp2, NULL);
    CHECK_CONTAINS(s, "<b>s0</b> breaks even on first purchases in 62\xc2\xa0% of campaigns.");
    free(s);
    /* Shares estimated from quantiles (a --no-trials file) are said "about";
     * a small one is a share, never "none". */
    {
        infl__strbuf b = {0};
        const double est[3] = {0.003, 0, 0.3};
        infl__report_answer(&b, sm, est, NULL, false);
        char *t = infl__strbuf_take(&b);
        CHECK_CONTAINS(t, "<b>s2</b> breaks even on first purchases in about 30\xc2\xa0% of");
        free(t);
        const double tiny[3] = {0.003, 0, 0.001};
        infl__report_answer(&b, sm, tiny, NULL, false);
        t = infl__strbuf_take(&b);
        CHECK_CONTAINS(t, "<b>s0</b> breaks even on first purchases in fewer than 1\xc2\xa0% of");
        free(t);
    }
    infl_summary_free(sm);

    const double two[2] = {5, 5.1};
    sm = summary_of(2, two);
    sm->p_greater[1 * 2 + 0] = 0.55;
    s = answer(sm, pp, NULL);
    CHECK_CONTAINS(s, "<b>&lt;b&gt;1</b> sells about as much as <b>s0</b>");
    CHECK_CONTAINS(s, "neither pays back");
    free(s);
    infl_summary_free(sm);

    /* The share of positive values from quantiles. */
    infl_stat st = {.n = 10, .min = -10, .max = 10};
    for (size_t i = 0; i < INFL_N_QUANTILES; i++)
        st.q[i] = -10 + 20 * infl_quantile_levels[i];
    bool exact = true;
    CHECK_NEAR(infl__report_share_positive(&st, &exact), 0.5, 1e-12);
    CHECK(!exact);
    st.min = 1;
    CHECK_NEAR(infl__report_share_positive(&st, &exact), 1, 0);
    CHECK(exact);
    st.min = -5;
    st.max = 0;
    CHECK_NEAR(infl__report_share_positive(&st, &exact), 0, 0);
}

int main(void)
{
    test_escape();
    test_number();
    test_sha256();
    test_answer();
    return check_exit();
}
