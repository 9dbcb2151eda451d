/* sheet-fields.h: the coded fields of a sheet, one SHEET_FIELD row each:
 * where a field is added on the daemon's side. */

/*
 * No include guard: sheet.h reads this list to make enum dim (DIM_<ID>),
 * sheet.c to make sheet_fields[] (the row's initializers; the members are
 * struct sheet_field's, in sheet.h), as PostgreSQL's kwlist.h. The rows
 * are in the order of the Sheet message; a new field comes last. Its name
 * is its column in the sheet table too: the statements that name the
 * coded columns follow this list (db-stmt.c), and its migration adds the
 * column, the taxonomy's codes and the dimension, and makes
 * sheet_insert_batch() take one array more (docs/ARCHITECTURE.md,
 * "Adding a coded sheet field"). A rule (.only) names the field it
 * depends on by its DIM_<ID>.
 */

/* The rules of the fields that apply to one kind of caller. */
#define FOR_INDIVIDUALS                                                        \
	{                                                                      \
		DIM_CALLER, "individual", "individuals_only",                  \
		        N_("when no caller is given; it is for individuals"),  \
		        N_("to a caller '%.32s'; it is for individuals"), NULL \
	}
#define FOR_PROFESSIONALS                                                      \
	{                                                                      \
		DIM_CALLER, "professional", "professionals_only",              \
		        N_("when no caller is given; it is for "               \
		           "professionals"),                                   \
		        N_("to a caller '%.32s'; it is for professionals"),    \
		        NULL                                                   \
	}

SHEET_FIELD(CALL_TYPE, .name = "call_type", .absent = "consultation",
            .empty = N_("'' is not a call type; give a code, or leave the "
                        "field out for a consultation (allowed: %s)"),
            .rollup_dim = RD_CALL_TYPE, .rollup_expr = "r.call_type")
SHEET_FIELD(DEPARTMENT, .name = "department", .clearable = true,
            .consultation = "a consultation says where the call came from "
                            "(unknown if the caller did not say)",
            .rollup_dim = RD_DEPARTMENT,
            .rollup_expr = "nullif(r.department, 0)")
SHEET_FIELD(CALLER, .name = "caller", .clearable = true,
            .consultation = "a consultation says who called", .rollup_dim = 1,
            .rollup_expr = "nullif(r.code, 0)")
SHEET_FIELD(PRO_KIND, .name = "pro_kind", .clearable = true,
            .only = {FOR_PROFESSIONALS}, .rollup_dim = 2,
            .rollup_expr = "nullif(r.code, 0)")
SHEET_FIELD(PRO_SECTOR, .name = "pro_sector", .clearable = true,
            .only = {FOR_PROFESSIONALS,
                     {DIM_PRO_KIND, "public_body", "public_body_only", NULL,
                      NULL,
                      N_("'%s' applies only when pro_kind is "
                         "public_body")}},
            .rollup_dim = 3, .rollup_expr = "nullif(r.code, 0)")
SHEET_FIELD(HOUSEHOLD, .name = "household", .clearable = true,
            .only = {FOR_INDIVIDUALS}, .rollup_dim = 4,
            .rollup_expr = "nullif(r.code, 0)")
SHEET_FIELD(ORIGIN, .name = "origin", .clearable = true,
            .only = {FOR_INDIVIDUALS}, .rollup_dim = 5,
            .rollup_expr = "nullif(r.code, 0)")

#undef FOR_INDIVIDUALS
#undef FOR_PROFESSIONALS
