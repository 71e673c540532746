// SPDX-License-Identifier: Apache-2.0
/*
 * The host stream out: standard output, a size-rotated file, subscribers.
 * Each output loses records on its own (a full stdout pipe does not cost the
 * file anything) and hears about its own losses in-band: the next record it
 * takes is preceded by a loss record (source "queue") with the count and the
 * first lost seq.  With --audit-format ocsf the file and stdout get OCSF
 * (supervisors' v1 lines are decoded and encoded again); subscribers always
 * get v1.
 */
#include "audit/vmjaild/vmjaild.h"
#include "audit/lib/ocsf.h"
#include "audit/lib/v1_decode.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int vjd_out_open(struct vjd *d, struct vj_err *e)
{
	if (d->o.to_stdout) {
		if (vj_sink_open_fd(&d->out_stdout, STDOUT_FILENO, e) < 0)
			return -1;
		d->has_stdout = true;
	}
	if (d->o.log_path) {
		if (vj_sink_open_path(&d->out_file, d->o.log_path, d->o.rotate_size,
		                      d->o.rotate_keep, e) < 0)
			return -1;
		d->has_file = true;
	}
	return 0;
}

static void loss_add(struct lossctr *l, uint64_t seq)
{
	if (l->count == 0 || seq < l->since)
		l->since = seq;
	l->count++;
}

static void stamp(struct vjd *d, struct vj_event *ev)
{
	ev->seq = vj_seq_next(&d->seq);
	if (ev->time.tv_sec == 0 && ev->time.tv_nsec == 0)
		clock_gettime(CLOCK_REALTIME, &ev->time);
	ev->host = d->hi.host;
	ev->boot_id = d->hi.boot_id;
	if (!ev->source)
		ev->source = "vmjaild";
}

/* The seq of an encoded line, for loss accounting (it is always the second key). */
static uint64_t line_seq(const char *line, size_t n)
{
	const char *p = memmem(line, n < 64 ? n : 64, "\"seq\":", 6);
	uint64_t v = 0;
	if (!p)
		return 0;
	for (p += 6; p < line + n && *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

/* One sink: report its pending loss first, then the line (record seq). */
static void to_sink(struct vjd *d, struct vj_sink *s, struct lossctr *l, uint64_t *lost,
                    const char *line, size_t n, uint64_t seq)
{
	if (l->count) {
		struct vj_event ev;
		char buf[1024];
		vj_event_init(&ev, VJ_EV_LOSS, "loss");
		ev.loss_source = "queue";
		ev.loss_count = l->count;
		ev.since_seq = l->since;
		stamp(d, &ev);
		int m = vj_event_encode(d->o.format, &ev, buf, sizeof(buf));
		if (m > 0 && vj_sink_write(s, buf, (size_t)m) == 1)
			*l = (struct lossctr){0};
	}
	if (l->count || vj_sink_write(s, line, n) != 1) {
		/* Behind a loss record that did not go out, nothing else may. */
		loss_add(l, seq);
		(*lost)++;
	}
}

/* The file's and stdout's form of a v1 record: the line itself, or OCSF made
 * from ev (a record of ours) or from the decoded line (a supervisor's). */
static const char *out_form(struct vjd *d, const char *line, size_t n, const struct vj_event *ev,
                            size_t *outn)
{
	if (d->o.format == VJ_AUDIT_FMT_V1) {
		*outn = n;
		return line;
	}
	int m;
	if (ev) {
		m = vj_event_encode(d->o.format, ev, d->fmt_line, sizeof(d->fmt_line));
	} else {
		struct vj_event dec;
		struct json *tree;
		if (vj_event_from_v1(line, n, &dec, &tree) == 0) {
			m = vj_event_encode(d->o.format, &dec, d->fmt_line, sizeof(d->fmt_line));
			json_free(tree);
		} else {
			struct timespec now;
			clock_gettime(CLOCK_REALTIME, &now);
			m = vj_ocsf_raw(line, n, d->hi.host, now, d->fmt_line, sizeof(d->fmt_line));
		}
	}
	if (m <= 0)
		return NULL;
	*outn = (size_t)m;
	return d->fmt_line;
}

static void out_all(struct vjd *d, const char *line, size_t n, const char *tenant,
                    const struct vj_event *ev)
{
	uint64_t seq = line_seq(line, n);
	size_t fn = 0;
	const char *f = d->has_stdout || d->has_file ? out_form(d, line, n, ev, &fn) : NULL;
	if (d->has_stdout) {
		if (f)
			to_sink(d, &d->out_stdout, &d->l_stdout, &d->st.lost_stdout, f, fn, seq);
		else
			loss_add(&d->l_stdout, seq), d->st.lost_stdout++;
	}
	if (d->has_file) {
		if (f)
			to_sink(d, &d->out_file, &d->l_file, &d->st.lost_file, f, fn, seq);
		else
			loss_add(&d->l_file, seq), d->st.lost_file++;
	}
	vjd_subs_write(d, line, n, tenant);
	d->st.written++;
}

void vjd_out_line(struct vjd *d, const char *line, size_t n, const char *tenant)
{
	out_all(d, line, n, tenant, NULL);
}

void vjd_out_event(struct vjd *d, struct vj_event *ev)
{
	stamp(d, ev);
	int n = vj_event_to_json(ev, d->line, sizeof(d->line));
	if (n > 0)
		out_all(d, d->line, (size_t)n, ev->tenant, ev);
}

void vjd_out_reopen(struct vjd *d)
{
	if (!d->has_file)
		return;
	struct vj_err e = {0};
	if (vj_sink_reopen(&d->out_file, &e) < 0) {
		char buf[600];
		vjd_log("reopen log: %s", vj_err_str(&e, buf, sizeof(buf)));
	}
}

void vjd_out_close(struct vjd *d)
{
	if (d->has_stdout) {
		vj_sink_drain(&d->out_stdout, 500);
		vj_sink_close(&d->out_stdout);
	}
	if (d->has_file)
		vj_sink_close(&d->out_file);
	d->has_stdout = d->has_file = false;
}
