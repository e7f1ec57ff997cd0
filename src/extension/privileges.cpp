#include "privileges.hpp"

#include "common/error.hpp"
#include "guard.hpp"

namespace quarry::pg {

namespace {

Oid catalog_owner() {
    return pg_call([] {
        Oid schema = get_namespace_oid("quarry", false);
        Oid sources = get_relname_relid("sources", schema);
        HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(sources));
        if (!HeapTupleIsValid(tuple)) elog(ERROR, "quarry.sources is missing");
        Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
        ReleaseSysCache(tuple);
        return owner;
    });
}

}  // namespace

Oid current_role_id() { return GetUserId(); }

void require_select(Oid role, Oid relation) {
    pg_call([&] {
        if (pg_class_aclcheck(relation, role, ACL_SELECT) != ACLCHECK_OK) {
            aclcheck_error(ACLCHECK_NO_PRIV, get_relkind_objtype(get_rel_relkind(relation)),
                           get_rel_name(relation));
        }
    });
}

void require_source_owner(Oid role, Oid owner, const std::string& source) {
    bool allowed = pg_call([&] { return has_privs_of_role(role, owner); });
    if (!allowed) {
        throw Error("42501", "must be owner of source " + quote_for_message(source));
    }
}

namespace detail {

CatalogOwnerScope enter_catalog_owner() {
    Oid owner = catalog_owner();
    CatalogOwnerScope scope{};
    GetUserIdAndSecContext(&scope.saved_user, &scope.saved_security_context);
    SetUserIdAndSecContext(owner, scope.saved_security_context | SECURITY_LOCAL_USERID_CHANGE |
                                      SECURITY_RESTRICTED_OPERATION);
    try {
        scope.guc_nest_level = pg_call([] {
            int level = NewGUCNestLevel();
            set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
                              GUC_ACTION_SAVE, true, 0, false);
            return level;
        });
    } catch (...) {
        restore_user(scope);
        throw;
    }
    return scope;
}

void leave_catalog_owner(const CatalogOwnerScope& scope) {
    pg_call([&] { AtEOXact_GUC(true, scope.guc_nest_level); });
    restore_user(scope);
}

void restore_user(const CatalogOwnerScope& scope) {
    SetUserIdAndSecContext(scope.saved_user, scope.saved_security_context);
}

}  // namespace detail

}  // namespace quarry::pg
