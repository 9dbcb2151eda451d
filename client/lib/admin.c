/* admin.c: account administration requests of the client library. */
#include <stdlib.h>

#include "libcallsheet.h"

/* The Account out of the response, which is freed. */
static int
account_call(struct cs_client *c, Callsheet__Request *req,
             Callsheet__Account **acct, struct cs_error *err)
{
	Callsheet__Response *resp;

	*acct = NULL;
	if (cs_call_expect(c, req, CALLSHEET__RESPONSE__BODY_ACCOUNT, &resp,
	                   err) != 0)
		return -1;
	*acct = resp->account;
	resp->account = NULL;
	resp->body_case = CALLSHEET__RESPONSE__BODY__NOT_SET;
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}

int
cs_user_add(struct cs_client *c, const char *name, Callsheet__Role role,
            const char *password, Callsheet__Account **acct,
            struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__UserAdd m = CALLSHEET__USER_ADD__INIT;

	m.name = (char *)name; /* packing does not write */
	m.role = role;
	m.has_role = true;
	m.password = (char *)password;
	req.body_case = CALLSHEET__REQUEST__BODY_USER_ADD;
	req.user_add = &m;
	return account_call(c, &req, acct, err);
}

int
cs_user_passwd(struct cs_client *c, const char *name, const char *password,
               Callsheet__Account **acct, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__UserPasswd m = CALLSHEET__USER_PASSWD__INIT;

	m.name = (char *)name;
	m.password = (char *)password;
	req.body_case = CALLSHEET__REQUEST__BODY_USER_PASSWD;
	req.user_passwd = &m;
	return account_call(c, &req, acct, err);
}

int
cs_password_change(struct cs_client *c, const char *old_password,
                   const char *new_password, Callsheet__Account **acct,
                   struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__PasswordChange m = CALLSHEET__PASSWORD_CHANGE__INIT;

	m.old_password = (char *)old_password;
	m.new_password = (char *)new_password;
	req.body_case = CALLSHEET__REQUEST__BODY_PASSWORD_CHANGE;
	req.password_change = &m;
	return account_call(c, &req, acct, err);
}

int
cs_user_disable(struct cs_client *c, const char *name, bool enable,
                Callsheet__Account **acct, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__UserDisable m = CALLSHEET__USER_DISABLE__INIT;

	m.name = (char *)name;
	m.has_enable = enable;
	m.enable = enable;
	req.body_case = CALLSHEET__REQUEST__BODY_USER_DISABLE;
	req.user_disable = &m;
	return account_call(c, &req, acct, err);
}

int
cs_user_list(struct cs_client *c, Callsheet__Accounts **list,
             struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__UserList m = CALLSHEET__USER_LIST__INIT;
	Callsheet__Response *resp;

	*list = NULL;
	req.body_case = CALLSHEET__REQUEST__BODY_USER_LIST;
	req.user_list = &m;
	if (cs_call_expect(c, &req, CALLSHEET__RESPONSE__BODY_ACCOUNTS, &resp,
	                   err) != 0)
		return -1;
	*list = resp->accounts;
	resp->accounts = NULL;
	resp->body_case = CALLSHEET__RESPONSE__BODY__NOT_SET;
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}
