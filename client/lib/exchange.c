/* exchange.c: the requests of live counters and export, typed. */
#include "libcallsheet.h"

int
cs_watch(struct cs_client *c, bool stop, Callsheet__Counters **counters,
         struct cs_error *err)
{
	Callsheet__Watch w = CALLSHEET__WATCH__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	w.has_stop = stop;
	w.stop = stop;
	req.body_case = CALLSHEET__REQUEST__BODY_WATCH;
	req.watch = &w;
	*counters = (Callsheet__Counters *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_COUNTERS, err);
	return *counters != NULL ? 0 : -1;
}

int
cs_export_page(struct cs_client *c, const Callsheet__Export *x,
               Callsheet__ExportPage **page, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	req.body_case = CALLSHEET__REQUEST__BODY_EXPORT;
	req.export = (Callsheet__Export *)x; /* packing does not write */
	*page = (Callsheet__ExportPage *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_EXPORT_PAGE, err);
	return *page != NULL ? 0 : -1;
}
