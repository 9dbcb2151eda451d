/* annual-words.c: the annual report's numbers and sentences in the
 * reader's language (French or English), shared by every renderer; pure
 * but for reading the locale from the environment once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual.h"
#include "change-format.h"
#include "libcallsheet.h"

/* The French text until the gettext catalogs carry it; the English one
 * is the message id. */
#define T(en, fr) (words_french() ? (fr) : _(en))

static int french = -1;

bool
words_french(void)
{
	if (french < 0) {
		const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
		const char *v = NULL;

		for (size_t i = 0; i < nitems(vars) && v == NULL; i++)
			if ((v = getenv(vars[i])) != NULL && *v == '\0')
				v = NULL;
		french = v != NULL && strncmp(v, "fr", 2) == 0;
	}
	return french == 1;
}

void
words_set_french(bool on)
{
	french = on;
}

const char *
words_lang(void)
{
	return words_french() ? "fr" : "en";
}

void
words_count(struct strbuf *sb, uint64_t n)
{
	char digits[24];
	size_t len = (size_t)snprintf(digits, sizeof digits, "%llu",
	                              (unsigned long long)n);

	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			sb_add(sb, words_french() ? NBSP : ",");
		sb_addn(sb, digits + i, 1);
	}
}

static void
decimal(struct strbuf *sb, uint64_t scaled, unsigned decimals)
{
	uint64_t unit = 1;

	for (unsigned i = 0; i < decimals; i++)
		unit *= 10;
	words_count(sb, scaled / unit);
	if (decimals > 0)
		sb_addf(sb, "%s%0*llu", words_french() ? "," : ".",
		        (int)decimals, (unsigned long long)(scaled % unit));
}

void
words_pct(struct strbuf *sb, uint64_t scaled, unsigned decimals)
{
	decimal(sb, scaled, decimals);
	sb_add(sb, NBSP "%");
}

void
words_pct_signed(struct strbuf *sb, int64_t scaled, unsigned decimals)
{
	sb_add(sb, scaled < 0 ? MINUS : "+");
	words_pct(sb, scaled < 0 ? (uint64_t)-scaled : (uint64_t)scaled,
	          decimals);
}

static void
signed_count(struct strbuf *sb, int64_t n)
{
	sb_add(sb, n < 0 ? MINUS : "+");
	words_count(sb, n < 0 ? (uint64_t)-n : (uint64_t)n);
}

void
words_duration(struct strbuf *sb, uint64_t s)
{
	if (s >= 3600)
		sb_addf(sb,
		        "%llu" NBSP "h" NBSP "%02llu" NBSP "min" NBSP
		        "%02llu" NBSP "s",
		        (unsigned long long)(s / 3600),
		        (unsigned long long)(s / 60 % 60),
		        (unsigned long long)(s % 60));
	else if (s >= 60)
		sb_addf(sb, "%llu" NBSP "min" NBSP "%02llu" NBSP "s",
		        (unsigned long long)(s / 60),
		        (unsigned long long)(s % 60));
	else
		sb_addf(sb, "%llu" NBSP "s", (unsigned long long)s);
}

const char *
words_hidden(void)
{
	return "s";
}

const char *
words_weekday(int d)
{
	static const char *en[7] = {N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"),
	                            N_("Fri"), N_("Sat"), N_("Sun")};
	static const char *fr[7] = {"lun", "mar", "mer", "jeu",
	                            "ven", "sam", "dim"};

	return d >= 0 && d < 7 ? T(en[d], fr[d]) : "?";
}

const char *
words_month(int m)
{
	static const char *en[12] = {
	        N_("January"), N_("February"), N_("March"),
	        N_("April"),   N_("May"),      N_("June"),
	        N_("July"),    N_("August"),   N_("September"),
	        N_("October"), N_("November"), N_("December")};
	static const char *fr[12] = {"janvier", "février",  "mars",
	                             "avril",   "mai",      "juin",
	                             "juillet", "août",     "septembre",
	                             "octobre", "novembre", "décembre"};

	return m >= 1 && m <= 12 ? T(en[m - 1], fr[m - 1]) : "?";
}

const char *
words_month_short(int m)
{
	static const char *en[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	static const char *fr[12] = {"janv.", "févr.", "mars",  "avr.",
	                             "mai",   "juin",  "juil.", "août",
	                             "sept.", "oct.",  "nov.",  "déc."};

	return m >= 1 && m <= 12 ? T(en[m - 1], fr[m - 1]) : "?";
}

const char *
words_title(const char *dim)
{
	static const struct {
		const char *dim, *en, *fr;
	} titles[] = {
	        {"call_type", N_("Other calls (not consultations)"),
	         "Autres appels (hors consultations)"},
	        {"department", N_("Consultations by département"),
	         "Consultations par département"},
	        {"caller", N_("Callers"), "Appelants"},
	        {"pro_kind", N_("Professionals by kind"),
	         "Professionnels par type"},
	        {"pro_sector", N_("Public bodies by sector"),
	         "Organismes publics par secteur"},
	        {"household", N_("Individuals by household"),
	         "Particuliers par composition du foyer"},
	        {"origin", N_("Individuals by region of origin"),
	         "Particuliers par région d’origine"},
	        {"topic", N_("Topics"), "Thèmes"},
	        {"month", N_("Consultations by month"),
	         "Consultations par mois"},
	        {"weekday_hour", N_("Consultations by weekday and hour"),
	         "Consultations par jour et par heure"},
	        {"duration", N_("Duration of consultations"),
	         "Durée des consultations"},
	        {"map", N_("Where consultations come from"),
	         "D’où viennent les consultations"},
	        {"notes", N_("Notes"), "Notes"},
	        {"jurist", N_("Consultations per jurist"),
	         "Consultations par juriste"},
	        {"report", N_("Annual activity report"), "Rapport d’activité"},
	        {"rank", N_("Rank"), "Rang"},
	        {"calls", N_("Calls"), "Appels"},
	        {"consultations", N_("Consultations"), "Consultations"},
	        {"share", N_("Share"), "Part"},
	        {"total", N_("Total"), "Total"},
	        {"hour", N_("Hour"), "Heure"},
	        {"none_calls", N_("No calls."), "Aucun appel."},
	        {"service_legend", N_("service hours"), "heures de permanence"},
	        {"restated", "Restated figures", "Chiffres rectifiés"},
	        {"budget", "Cost of the programme", "Coût de l’action"},
	        {"per_100k", "Per 100,000", "Pour 100" NBSP "000"},
	        {"rate_rank", "Rank per 100,000", "Rang pour 100" NBSP "000"},
	        {"restated_lead",
	         "Sheets of periods already closed (figures published) "
	         "have been corrected since: the published and the restated "
	         "figures, with the reasons.",
	         "Des fiches de périodes déjà closes (chiffres publiés) ont "
	         "été corrigées depuis : chiffres publiés et chiffres "
	         "rectifiés, avec les motifs."},
	};

	for (size_t i = 0; i < nitems(titles); i++)
		if (strcmp(titles[i].dim, dim) == 0)
			return T(titles[i].en, titles[i].fr);
	return dim;
}

/* One or many of n: French says "0 consultation", "1,5 consultation" as
 * it says "1 consultation", English "0 consultations". */
static const char *
number_word(uint64_t n, const char *en_one, const char *en_many,
            const char *fr_one, const char *fr_many)
{
	if (words_french())
		return n < 2 ? fr_one : fr_many;
	return n == 1 ? en_one : en_many;
}

const char *
words_withheld(const struct ann_breakdown *b)
{
	if (b->why == ANN_NOT_GIVEN && strcmp(b->dim, "jurist") == 0)
		return T("Not shown: figures per jurist are not given to "
		         "reporter accounts.",
		         "Non affiché : les chiffres par juriste ne sont pas "
		         "communiqués aux comptes de diffusion.");
	if (b->why == ANN_NOT_GIVEN)
		return T("Not shown: the server does not give this breakdown "
		         "to this account.",
		         "Non affiché : le serveur ne communique pas ce "
		         "détail à ce compte.");
	return T("Not shown: its total is hidden by disclosure control "
	         "elsewhere in this report.",
	         "Non affiché : son total est masqué ailleurs dans ce "
	         "rapport (secret statistique).");
}

const char *
words_generated(const struct annual *a)
{
	if (a->perturbed)
		return T("Percentages computed from the perturbed figures "
		         "shown, rounded half up.",
		         "Pourcentages calculés à partir des chiffres "
		         "perturbés affichés, arrondis au plus proche (demi "
		         "vers le haut).");
	return T("Figures computed from exact counts; percentages rounded "
	         "half up.",
	         "Chiffres calculés à partir des effectifs exacts ; "
	         "pourcentages arrondis au plus proche (demi vers le "
	         "haut).");
}

/* what the département figures count: consultations, not every call */
static const char *
consultations_word(uint64_t n)
{
	return number_word(n, "consultation", "consultations", "consultation",
	                   "consultations");
}

const char *
words_item_title(const struct ann_breakdown *b)
{
	if (strcmp(b->dim, "department") == 0)
		return T("Département", "Département");
	if (strcmp(b->dim, "month") == 0)
		return T("Month", "Mois");
	if (strcmp(b->dim, "call_type") == 0)
		return T("Call type", "Type d’appel");
	if (strcmp(b->dim, "jurist") == 0)
		return T("Jurist", "Juriste");
	return "";
}

const char *
words_count_title(const struct ann_breakdown *b)
{
	return words_title(strcmp(b->dim, "call_type") == 0 ? "calls"
	                                                    : "consultations");
}

/* "Paris (75)"; "Unknown" */
static void
dept_name(struct strbuf *sb, const char *code, const char *label)
{
	if (label != NULL && strcmp(code, "unknown") == 0)
		sb_add(sb, label);
	else if (label == NULL || strcmp(label, code) == 0)
		sb_add(sb, code);
	else
		sb_addf(sb, "%s (%s)", label, code);
}

void
words_item(struct strbuf *sb, const struct ann_breakdown *b,
           const struct ann_item *it)
{
	if (it->code[0] == '\0')
		sb_add(sb, T("(none)", "(non renseigné)"));
	else if (strcmp(b->dim, "department") == 0)
		dept_name(sb, it->code, it->label);
	else if (strcmp(b->dim, "month") == 0)
		sb_add(sb, words_month(atoi(it->code + 5)));
	else
		sb_add(sb, it->label != NULL ? it->label : it->code);
}

static void
count_or_hidden(struct strbuf *sb, uint64_t n, bool hidden)
{
	if (hidden)
		sb_add(sb, words_hidden());
	else
		words_count(sb, n);
}

/* " from Paris (75)" (or ", Paris (75)" after another "from") when the
 * split is the focus's */
static void
focus_suffix(struct strbuf *sb, const struct annual *a, bool from)
{
	if (!a->focus.given)
		return;
	if (strcmp(a->focus.code, "unknown") == 0) {
		/* not "consultations de Inconnu" */
		sb_add(sb, from ? T(" from an unknown département",
		                    " de département inconnu")
		                : T(", unknown département",
		                    ", département inconnu"));
		return;
	}
	sb_add(sb, from ? T(" from ", " de ") : ", ");
	dept_name(sb, a->focus.code, a->focus.label);
}

void
words_base(struct strbuf *sb, const struct annual *a,
           const struct ann_breakdown *b)
{
	const char *d = b->dim;

	sb_add(sb, T("of ", "sur "));
	count_or_hidden(sb, b->base, b->base_hidden);
	sb_add(sb, " ");
	if (strcmp(d, "call_type") == 0)
		sb_add(sb, number_word(b->base, "call received, of every type",
		                       "calls received, of every type",
		                       "appel reçu, de tout type",
		                       "appels reçus, de tout type"));
	else if (strcmp(d, "pro_kind") == 0)
		sb_add(sb, number_word(b->base, "consultation by professionals",
		                       "consultations by professionals",
		                       "consultation de professionnels",
		                       "consultations de professionnels"));
	else if (strcmp(d, "pro_sector") == 0)
		sb_add(sb, number_word(b->base, "consultation by public bodies",
		                       "consultations by public bodies",
		                       "consultation d’organismes publics",
		                       "consultations d’organismes publics"));
	else if (strcmp(d, "household") == 0 || strcmp(d, "origin") == 0)
		sb_add(sb, number_word(b->base, "consultation by individuals",
		                       "consultations by individuals",
		                       "consultation de particuliers",
		                       "consultations de particuliers"));
	else
		sb_add(sb, b->base_hidden ? T("consultations", "consultations")
		                          : consultations_word(b->base));
	if (strcmp(d, "caller") == 0 || strcmp(d, "topic") == 0)
		focus_suffix(sb, a, true);
	else if (strcmp(d, "pro_kind") == 0 || strcmp(d, "pro_sector") == 0 ||
	         strcmp(d, "household") == 0 || strcmp(d, "origin") == 0)
		focus_suffix(sb, a, false);
	if (b->multi)
		sb_add(sb, T("; a consultation counts once for each of its "
		             "topics, so "
		             "the shares add up to more than 100" NBSP "%",
		             " ; une consultation compte une fois par thème "
		             "abordé : "
		             "les parts dépassent 100" NBSP "% au total"));
}

static void
names(struct strbuf *sb, const struct ann_item *const *v, size_t n)
{
	size_t shown = n > ANN_AHEAD_MAX ? ANN_AHEAD_MAX : n;

	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			sb_add(sb, i + 1 < shown || n > shown
			                   ? ", "
			                   : T(" and ", " et "));
		dept_name(sb, v[i]->code, v[i]->label);
	}
	if (n > shown)
		sb_addf(sb, T(" and %zu others", " et %zu autres"), n - shown);
}

static void
rank_words(struct strbuf *sb, const struct ann_focus *f)
{
	if (words_french())
		sb_addf(sb, f->rank == 1 ? "au 1er rang" : "au %ue rang",
		        f->rank);
	else
		sb_addf(sb, _("ranked %u"), f->rank);
	if (!f->rank_exact)
		sb_add(sb, T(" among the départements shown",
		             " parmi les départements affichés"));
	if (f->ntied > 0) {
		sb_add(sb, T(", tied with ", ", ex aequo avec "));
		names(sb, f->tied, f->ntied);
	}
	if (f->nahead > 0) {
		sb_add(sb, T(", behind ", ", derrière "));
		names(sb, f->ahead, f->nahead);
	}
}

void
words_focus(struct strbuf *sb, const struct annual *a)
{
	const struct ann_focus *f = &a->focus;

	dept_name(sb, f->code, f->label);
	sb_add(sb, T(": ", " : "));
	if (f->hidden) {
		sb_addf(sb,
		        T("its count is hidden by disclosure control (%s); its "
		          "figures are not shown.",
		          "son effectif est masqué (secret statistique, %s) ; "
		          "ses chiffres ne sont pas affichés."),
		        words_hidden());
		return;
	}
	if (f->n == 0) {
		sb_addf(sb,
		        T("no consultations in %d.",
		          "aucune consultation en %d."),
		        a->year);
		return;
	}
	words_count(sb, f->n);
	sb_addf(sb, " %s", consultations_word(f->n));
	if (f->has_pct) {
		sb_add(sb, ", ");
		words_pct(sb, f->pct, ANN_DEPT_DECIMALS);
		sb_add(sb, T(" of all ", " de l’ensemble des "));
		words_count(sb, a->departments.base);
		sb_addf(sb, " %s", consultations_word(a->departments.base));
	}
	if (f->rank > 0) {
		sb_add(sb, ", ");
		rank_words(sb, f);
	}
	sb_add(sb, ".");
}

void
words_consultations(struct strbuf *sb, const struct annual *a)
{
	sb_addf(sb, T("Consultations in %d: ", "Consultations en %d : "),
	        a->year);
	count_or_hidden(sb, a->consultations, a->consultations_hidden);
	if (!a->has_previous) {
		/* not given (a reporter's year before still open): "none
		 * recorded" would be false */
		sb_add(sb, ".");
		return;
	}
	if (a->previous == 0 && !a->previous_hidden) {
		/* a year before the service logged its calls here, most
		 * often: no change from "0" to tell */
		sb_addf(sb,
		        T(" (none recorded in %d).",
		          " (aucune enregistrée en %d)."),
		        a->year - 1);
		return;
	}
	sb_addf(sb, " (%d%s%s", a->year - 1,
	        a->to_date ? T(", same days", ", mêmes jours") : "",
	        T(": ", " : "));
	count_or_hidden(sb, a->previous, a->previous_hidden);
	if (a->has_change) {
		sb_add(sb, T("; change ", " ; évolution "));
		signed_count(sb, a->change);
		if (a->has_change_pct) {
			sb_add(sb, ", ");
			words_pct_signed(sb, a->change_pct, ANN_DECIMALS);
		}
	}
	sb_add(sb, ").");
}

void
words_duration_line(struct strbuf *sb, const struct annual *a)
{
	const struct ann_duration *d = &a->duration;

	if (d->hidden) {
		sb_addf(sb,
		        T("Not shown: too few calls (%s).",
		          "Non affiché : trop peu d’appels (%s)."),
		        words_hidden());
		return;
	}
	if (!d->shown) {
		sb_add(sb, words_title("none_calls"));
		return;
	}
	sb_add(sb, T("Mean ", "Moyenne "));
	words_duration(sb, d->mean_s);
	sb_add(sb, T(", median ", ", médiane "));
	words_duration(sb, d->median_s);
	sb_add(sb, T(" (of ", " (sur "));
	words_count(sb, d->count);
	sb_addf(sb, " %s", consultations_word(d->count));
	if (!a->consultations_hidden && d->count < a->consultations)
		/* the others were logged without their length (0) */
		sb_add(sb, T(" whose duration was measured",
		             " dont la durée a été mesurée"));
	sb_add(sb, ").");
}

void
words_service_line(struct strbuf *sb, const struct annual *a)
{
	const struct ann_grid *g = &a->grid;

	sb_add(sb, T("Service hours (", "Heures de permanence ("));
	words_hours(sb, &a->hours);
	sb_add(sb, T("): ", ") : "));
	if (!g->split_known) {
		sb_add(sb, T("not shown, hidden counts on both sides.",
		             "non affiché, effectifs masqués des deux "
		             "côtés."));
		return;
	}
	words_count(sb, g->in);
	sb_add(sb, T(" within", " pendant"));
	if (g->has_pct) {
		sb_add(sb, " (");
		words_pct(sb, g->pct_in, ANN_DECIMALS);
		sb_add(sb, ")");
	}
	sb_add(sb, ", ");
	words_count(sb, g->out);
	sb_add(sb, T(" outside", " en dehors"));
	if (g->has_pct) {
		sb_add(sb, " (");
		words_pct(sb, g->pct_out, ANN_DECIMALS);
		sb_add(sb, ")");
	}
	sb_add(sb, T(", of ", ", sur "));
	count_or_hidden(sb, g->total, g->total_hidden);
	sb_add(sb, T(" consultations.", " consultations."));
	if (a->perturbed)
		sb_add(sb, T(" Within and outside are sums of the perturbed "
		             "cells shown.",
		             " Pendant et en dehors sont les sommes des cases "
		             "perturbées affichées."));
}

void
words_disclosure(struct strbuf *sb, const struct annual *a)
{
	if (a->min_cell <= 1)
		return;
	if (a->perturbed) {
		sb_addf(sb,
		        T("Figures perturbed for confidentiality: each is off "
		          "by at most %u either way, always the same for the "
		          "same calls; parts need not add up to their totals, "
		          "and each population's total is given once. A count "
		          "of 0 or under %u is not told from the other: it is "
		          "marked %s (hatched on the map), and a département "
		          "or a row not listed had 0 or under %u.",
		          "Chiffres perturbés pour le secret statistique : "
		          "chacun s’écarte d’au plus %u de la valeur exacte, "
		          "toujours de la même façon pour les mêmes appels ; "
		          "les parties ne font pas forcément leur total, et le "
		          "total de chaque population est donné une seule "
		          "fois. Un effectif nul ou inférieur à %u n’est pas "
		          "distingué de l’autre : il est noté %s (hachuré sur "
		          "la carte), et un département ou une ligne absents "
		          "en avaient 0 ou moins de %u."),
		        a->max_noise, a->min_cell, words_hidden(), a->min_cell);
		return;
	}
	sb_addf(sb,
	        T("%s: hidden by disclosure control (counts under %u, and the "
	          "counts that would let one recompute them): %u in this "
	          "report.",
	          "%s : secret statistique (effectifs inférieurs à %u, et "
	          "ceux qui permettraient de les retrouver) : %u dans ce "
	          "rapport."),
	        words_hidden(), a->min_cell, a->suppressed);
}

void
words_row(struct words_row *w, const struct ann_breakdown *b,
          const struct ann_item *it)
{
	memset(w, 0, sizeof *w);
	sb_add(&w->rank, "");
	sb_add(&w->share, "");
	if (it->rank > 0)
		sb_addf(&w->rank, "%u", it->rank);
	words_item(&w->item, b, it);
	count_or_hidden(&w->count, it->n, it->hidden);
	if (it->has_pct)
		words_pct(&w->share, it->pct, b->decimals);
}

void
words_bar_value(struct strbuf *sb, const struct words_row *w)
{
	sb_add(sb, w->count.buf);
	if (w->share.len > 0)
		sb_addf(sb, " (%s)", w->share.buf);
}

void
words_row_free(struct words_row *w)
{
	sb_free(&w->rank);
	sb_free(&w->item);
	sb_free(&w->count);
	sb_free(&w->share);
}

void
words_grid_hours(const struct annual *a, int *first, int *last)
{
	*first = 24;
	*last = -1;
	for (int d = 0; d < 7; d++)
		for (int h = 0; h < 24; h++)
			if (a->grid.n[d][h] > 0 || a->hours.on[d][h] ||
			    (a->grid.hidden[d][h] && !a->absent_hidden)) {
				if (h < *first)
					*first = h;
				if (h > *last)
					*last = h;
			}
}

const char *
words_weekday_long(int d)
{
	static const char *en[7] = {"Monday",   "Tuesday", "Wednesday",
	                            "Thursday", "Friday",  "Saturday",
	                            "Sunday"};
	static const char *fr[7] = {"lundi",    "mardi",  "mercredi", "jeudi",
	                            "vendredi", "samedi", "dimanche"};

	return d >= 0 && d < 7 ? T(en[d], fr[d]) : "?";
}

/* "4 December 2026", "1er décembre 2026" */
static void
date_words(struct strbuf *sb, int y, int m, int d)
{
	if (words_french() && d == 1)
		sb_add(sb, "1er");
	else
		sb_addf(sb, "%d", d);
	sb_addf(sb, NBSP "%s" NBSP "%d", words_month(m), y);
}

void
words_period(struct strbuf *sb, const struct annual *a)
{
	if (words_french()) {
		sb_add(sb, "du ");
		date_words(sb, a->year, 1, 1);
		sb_add(sb, " au ");
		date_words(sb, a->year, a->last_m, a->last_d);
	} else {
		date_words(sb, a->year, 1, 1);
		sb_add(sb, " to ");
		date_words(sb, a->year, a->last_m, a->last_d);
	}
	if (a->to_date)
		sb_add(sb, T(" (the year is not over: compared with the same "
		             "days of the year before)",
		             " (année en cours : comparée aux mêmes jours de "
		             "l’année précédente)"));
}

void
words_issued(struct strbuf *sb, const struct annual *a)
{
	if (a->meta.issued_y == 0)
		return;
	sb_add(sb, T("Issued on ", "Édité le "));
	date_words(sb, a->meta.issued_y, a->meta.issued_m, a->meta.issued_d);
}

/* "9:00-13:00 and 14:00-16:00" for one day's hours */
static void
day_hours(struct strbuf *sb, const bool on[24])
{
	int runs = 0;

	for (int h = 0; h < 24;) {
		int end;

		if (!on[h]) {
			h++;
			continue;
		}
		for (end = h; end < 24 && on[end]; end++)
			;
		if (runs++ > 0)
			sb_add(sb, T(" and ", " et "));
		if (words_french())
			sb_addf(sb, "de %d" NBSP "h à %d" NBSP "h", h, end);
		else
			sb_addf(sb, "%d:00–%d:00", h, end);
		h = end;
	}
}

void
words_hours(struct strbuf *sb, const struct service_hours *hs)
{
	int groups = 0;

	for (int d = 0; d < 7;) {
		int e = d;
		bool any = false;

		for (int h = 0; h < 24; h++)
			any = any || hs->on[d][h];
		if (!any) {
			d++;
			continue;
		}
		while (e + 1 < 7 &&
		       memcmp(hs->on[e + 1], hs->on[d], sizeof hs->on[d]) == 0)
			e++;
		if (groups++ > 0)
			sb_add(sb, "; ");
		if (e > d)
			sb_addf(sb, T("%s to %s, ", "du %s au %s, "),
			        words_weekday_long(d), words_weekday_long(e));
		else
			sb_addf(sb, "%s, ", words_weekday_long(d));
		day_hours(sb, hs->on[d]);
		d = e + 1;
	}
	if (groups == 0)
		sb_add(sb, T("none", "aucune"));
}

/* "; Paris (75): published 951, restated 950 (-1)": the focus
 * département's figures of the same period, when asked and given */
static void
focus_restated(struct strbuf *sb, const struct annual *a,
               const Callsheet__PeriodRestatements *all)
{
	const Callsheet__Restatements *rs = a->meta.restated_focus;

	for (size_t i = 0; rs != NULL && a->focus.given && i < rs->n_periods;
	     i++) {
		const Callsheet__PeriodRestatements *p = rs->periods[i];

		if (p->period == NULL || all->period == NULL ||
		    strcmp(p->period->from, all->period->from) != 0 ||
		    strcmp(p->period->to, all->period->to) != 0)
			continue;
		sb_add(sb, T("; ", " ; "));
		dept_name(sb, a->focus.code, a->focus.label);
		sb_add(sb, T(": ", " : "));
		if (!p->has_published_total) {
			sb_add(sb, T("figures withheld (minimum cell size)",
			             "chiffres masqués (secret statistique)"));
			return;
		}
		sb_add(sb, T("published ", "publié "));
		words_count(sb, p->published_total);
		sb_add(sb, T(", restated ", ", rectifié "));
		words_count(sb, p->restated_total);
		sb_add(sb, " (");
		signed_count(sb, (int64_t)p->restated_total -
		                         (int64_t)p->published_total);
		sb_add(sb, ")");
		return;
	}
}

void
words_restatements(struct strbuf *sb, const struct annual *a)
{
	const Callsheet__Restatements *rs = a->meta.restated;

	for (size_t i = 0; rs != NULL && i < rs->n_periods; i++) {
		const Callsheet__PeriodRestatements *p = rs->periods[i];
		const Callsheet__ClosedPeriod *cp =
		        p->compared ? p->compared : p->period;
		char label[64];
		size_t focused = 0;

		if (p->n_changes == 0 && !p->perturbed &&
		    p->published_total == p->restated_total)
			continue;
		closed_period_label(cp->from, cp->to, label, sizeof label);
		sb_addf(sb, "%s%s", label, T(": ", " : "));
		if (p->perturbed) {
			/* two cells, each with its noise: their difference
			 * is not the change */
			sb_add(sb, T("published ", "publié "));
			words_count(sb, p->published_total);
			sb_add(sb, T(", restated ", ", rectifié "));
			words_count(sb, p->restated_total);
			sb_add(sb, T(" (both perturbed)",
			             " (tous deux perturbés)"));
		} else if (p->has_published_total) {
			sb_add(sb, T("published ", "publié "));
			words_count(sb, p->published_total);
			sb_add(sb, T(", restated ", ", rectifié "));
			words_count(sb, p->restated_total);
			sb_add(sb, " (");
			signed_count(sb, (int64_t)p->restated_total -
			                         (int64_t)p->published_total);
			sb_add(sb, ")");
			focused = sb->len;
			focus_restated(sb, a, p);
			focused = sb->len > focused;
		} else
			sb_add(sb, p->withheld
			                   ? T("restated (figures withheld: "
			                       "minimum cell size)",
			                       "rectifié (chiffres masqués : "
			                       "secret statistique)")
			                   : T("restated", "rectifié"));
		if (p->n_changes > 0) {
			/* the period's, not the focus's alone */
			sb_add(sb,
			       focused ? T(". Reasons (for the whole period): ",
			                   ". Motifs (de toute la période) : ")
			               : T(". Reasons: ", ". Motifs : "));
			restate_reasons(sb, p);
		}
		sb_add(sb, ".\n");
	}
}

/* A reporter is given every closed period's two totals, perturbed,
 * changed or not: an amendment that leaves the total as it was cannot be
 * told from no change, so each is shown, with what it cannot say. */
static bool
restated_perturbed(const struct annual *a)
{
	const Callsheet__Restatements *rs = a->meta.restated;

	for (size_t i = 0; rs != NULL && i < rs->n_periods; i++)
		if (rs->periods[i]->perturbed)
			return true;
	return false;
}

bool
words_restated_shown(const struct annual *a)
{
	return a->meta.restated != NULL &&
	       (restate_shown(a->meta.restated) || restated_perturbed(a));
}

const char *
words_restated_lead(const struct annual *a)
{
	if (restated_perturbed(a))
		return T(
		        "Sheets of a closed period may be corrected after its "
		        "figures were published. A reporter account is given "
		        "each closed period's published and restated totals, "
		        "both perturbed (their difference is not the change), "
		        "without the reasons; a change that leaves the total "
		        "as it was (an amendment) does not show.",
		        "Des fiches d’une période close peuvent être corrigées "
		        "après la publication de ses chiffres. Un compte de "
		        "diffusion reçoit les totaux publié et rectifié de "
		        "chaque période close, tous deux perturbés (leur écart "
		        "n’est pas la correction), sans les motifs ; une "
		        "correction qui laisse le total inchangé (une "
		        "modification) n’apparaît pas.");
	return words_title("restated_lead");
}

void
words_rate_number(struct strbuf *sb, uint64_t scaled)
{
	decimal(sb, scaled, ANN_RATE_DECIMALS);
}

void
words_rate_cells(struct strbuf *rate, struct strbuf *rank,
                 const struct ann_item *it)
{
	sb_reset(rate);
	sb_reset(rank);
	sb_add(rate, "");
	sb_add(rank, "");
	if (!it->has_rate)
		return;
	words_rate_number(rate, it->rate);
	sb_addf(rank, "%u", it->rate_rank);
}

void
words_rate(struct strbuf *sb, const struct annual *a)
{
	const struct ann_focus *f = &a->focus;
	const struct ann_item *it = NULL;

	if (!a->facts.populations || !f->given)
		return;
	for (size_t i = 0; i < a->departments.n; i++)
		if (strcmp(a->departments.items[i].code, f->code) == 0)
			it = &a->departments.items[i];
	dept_name(sb, f->code, f->label);
	sb_add(sb, T(": ", " : "));
	if (it == NULL || !it->has_rate) {
		sb_add(sb, T("no rate per inhabitant (no call, hidden, or no "
		             "population for it).",
		             "pas de taux par habitant (aucun appel, effectif "
		             "masqué, ou pas de population)."));
		return;
	}
	words_rate_number(sb, it->rate);
	sb_add(sb, T(" consultations per 100,000 inhabitants",
	             " consultations pour 100" NBSP "000 habitants"));
	if (words_french())
		sb_addf(sb,
		        it->rate_rank == 1 ? ", au 1er rang" : ", au %ue rang",
		        it->rate_rank);
	else
		sb_addf(sb, ", ranked %u", it->rate_rank);
	sb_addf(sb, T(" of %u départements", " sur %u départements"),
	        a->facts.nrated);
	if (a->facts.source != NULL)
		sb_addf(sb, T(" (populations: %s)", " (populations : %s)"),
		        a->facts.source);
	sb_add(sb, ".");
}

void
words_euros(struct strbuf *sb, uint64_t cents)
{
	decimal(sb, cents, 2);
	sb_add(sb, NBSP "€");
}

void
words_budget(struct strbuf *sb, const struct annual *a)
{
	const struct ann_facts *f = &a->facts;

	if (!f->budget)
		return;
	sb_add(sb,
	       T("Total cost of the action: ", "Coût total de l’action : "));
	words_euros(sb, f->budget_cents);
	if (f->has_per) {
		sb_add(sb, T("; cost per consultation: ",
		             " ; coût par consultation : "));
		words_euros(sb, f->per_cents);
		sb_add(sb, T(" (of ", " (sur "));
		words_count(sb, a->consultations);
		sb_add(sb, T(" consultations, rounded to the cent)",
		             " consultations, arrondi au centime)"));
	}
	sb_add(sb, ".");
}

void
words_funder(struct strbuf *sb, const struct annual *a,
             const struct ann_funder *fu)
{
	(void)a;
	sb_addf(sb, "%s%s", fu->name, T(": ", " : "));
	words_euros(sb, fu->cents);
	sb_add(sb, " (");
	words_pct(sb, fu->pct, 2);
	sb_add(sb, T(" of the cost", " du coût"));
	if (fu->has_per) {
		sb_add(sb, T(", ", ", soit "));
		words_euros(sb, fu->per_cents);
		sb_add(sb, T(" per consultation", " par consultation"));
	}
	sb_add(sb, ").");
}

size_t
words_tiles(const struct annual *a, struct strbuf big[ANN_TILES],
            struct strbuf small[ANN_TILES])
{
	const struct ann_focus *f = &a->focus;
	size_t n = 0;

	if (a->consultations_hidden)
		sb_add(&big[n], words_hidden());
	else
		words_count(&big[n], a->consultations);
	sb_addf(&small[n],
	        words_french() ? "consultations en %d" : "consultations in %d",
	        a->year);
	if (a->has_change_pct) {
		/* one line in a box a third of the page wide */
		sb_add(&small[n], "\n");
		words_pct_signed(&small[n], a->change_pct, ANN_DECIMALS);
		if (a->to_date)
			sb_addf(&small[n],
			        words_french() ? " (mêmes jours de %d)"
			                       : " (same days of %d)",
			        a->year - 1);
		else
			sb_addf(&small[n],
			        words_french() ? " par rapport à %d"
			                       : " from %d",
			        a->year - 1);
	}
	n++;
	if (f->given && !f->hidden && f->n > 0) {
		words_count(&big[n], f->n);
		sb_addf(&small[n],
		        words_french() ? "consultations de %s (%s)"
		                       : "consultations from %s (%s)",
		        f->label ? f->label : f->code, f->code);
		if (f->has_pct) {
			sb_add(&small[n], "\n");
			words_pct(&small[n], f->pct, ANN_DEPT_DECIMALS);
			sb_add(&small[n], words_french()
			                          ? " de l’ensemble"
			                          : " of all consultations");
		}
		n++;
		if (f->rank > 0) {
			if (words_french())
				sb_addf(&big[n], f->rank == 1 ? "1er" : "%ue",
				        f->rank);
			else
				sb_addf(&big[n], "#%u", f->rank);
			sb_add(&small[n],
			       words_french() ? "rang parmi les départements"
			                      : "rank among départements");
			n++;
		}
	}
	return n;
}
