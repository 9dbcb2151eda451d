/* common.h: what daemon and client share: framing, allocation, UUIDs,
 * string building and the protocol constants. */
#ifndef CALLSHEET_COMMON_H
#define CALLSHEET_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "callsheet.pb-c.h"

#define CS_PROTOCOL_VERSION  1
#define CS_FRAME_HEADER      4
#define CS_FRAME_MAX_DEFAULT (64 * 1024)
#define CS_UUID_LEN          16
#define CS_UUID_STRLEN       37 /* 36 characters and the NUL */

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* frame.c */
enum frame_status {
	FRAME_INCOMPLETE, /* fewer bytes than the header or the body */
	FRAME_READY,      /* *len bytes of body follow the header */
	FRAME_TOO_LARGE,  /* the announced length exceeds the limit */
	FRAME_EMPTY,      /* a zero-length frame: never valid */
};
enum frame_status frame_peek(const uint8_t *buf, size_t avail, uint32_t max,
                             uint32_t *len);
uint32_t frame_read_header(const uint8_t hdr[CS_FRAME_HEADER]);
uint8_t *frame_pack(const ProtobufCMessage *msg, size_t *framelen);
const char *error_code_name(Callsheet__ErrorCode code);
const char *role_name(Callsheet__Role role);
Callsheet__Role role_parse(const char *name);
/* the role names, NULL-ended ("none" left out) */
const char *const *role_list(void);

/* xmalloc.c */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* clock.c */
int64_t clock_ms(void); /* monotonic */

/* uuid.c */
void uuid_generate(uint8_t out[CS_UUID_LEN]);
void uuid_format(const uint8_t in[CS_UUID_LEN], char out[CS_UUID_STRLEN]);
int uuid_parse(const char *s, uint8_t out[CS_UUID_LEN]);

/* strbuf.c: a growable NUL-terminated string */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void sb_add_xml(struct strbuf *sb, const char *s); /* HTML/SVG-escaped */
void sb_reset(struct strbuf *sb);
char *sb_steal(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* period.c */
void closed_period_label(const char *from, const char *to, char *out,
                         size_t len);

#endif
