// Who may do what with sources.
//
// quarry.sources and quarry.formulas are readable by PUBLIC and writable by nobody but their
// owner (the role that ran CREATE EXTENSION). The writing functions are ordinary SECURITY
// INVOKER C functions: they know the caller (GetUserId()), check the caller's rights
// themselves, and only for their own catalog statements switch to the catalog's owner, with
// search_path pinned to pg_catalog, pg_temp and SECURITY_RESTRICTED_OPERATION set, the way
// PostgreSQL's own foreign-key triggers switch to a table's owner. A SECURITY DEFINER function
// would lose the caller's identity (current_user would be the definer), which the ownership
// checks need.
#pragma once

#include <string>

#include "pg.hpp"

namespace quarry::pg {

// The role whose rights apply now (current_user).
Oid current_role_id();
// 42501 `permission denied for table x` unless `role` may SELECT from `relation`.
void require_select(Oid role, Oid relation);
// 42501 `must be owner of source "x"` unless `role` is the owner, a member of it, or superuser.
void require_source_owner(Oid role, Oid owner, const std::string& source);

namespace detail {
struct CatalogOwnerScope {  // plain data: restoring it never raises
    Oid saved_user;
    int saved_security_context;
    int guc_nest_level;
};
CatalogOwnerScope enter_catalog_owner();
void leave_catalog_owner(const CatalogOwnerScope& scope);  // the normal way out
void restore_user(const CatalogOwnerScope& scope);  // on an exception: the abort undoes the rest
}  // namespace detail

// Runs `body` (statements on quarry's catalog) as the catalog's owner.
template <typename Body>
void as_catalog_owner(Body&& body) {
    detail::CatalogOwnerScope scope = detail::enter_catalog_owner();
    try {
        body();
    } catch (...) {
        detail::restore_user(scope);
        throw;
    }
    detail::leave_catalog_owner(scope);
}

}  // namespace quarry::pg
