// SPDX-License-Identifier: GPL-2.0
/*
 * ABI check: our uapi headers against the reference that abi_gen wrote
 * from the system's headers (abi_ref.h).
 *
 * Build with -I<tree>/include/uapi first, so <linux/l2tp.h> and
 * <linux/if_pppol2tp.h> are ours; <linux/if_pppox.h> is the system's
 * and picks up our if_pppol2tp.h through its own include.
 *
 * Numbers are checked twice: with _Static_assert, so a mismatch stops
 * the build, and at run time, which reports the two values.  Building
 * with -DABI_NO_STATIC drops the static half; the Makefile does that
 * after a failed build to print the details.  Strings are compared at
 * run time only.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <linux/l2tp.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>

#include "abi_ref.h"

#ifndef _UAPI_LINUX_L2TP_H_
#error "<linux/l2tp.h> is not ours: put -I include/uapi first"
#endif
#ifndef _UAPI__LINUX_IF_PPPOL2TP_H
#error "<linux/if_pppol2tp.h> is not ours: put -I include/uapi first"
#endif

#define SIGNED_EXPR(x)		((x) - (x) - 1 < 1)
#define MEMBER(tag, m)		(((struct tag *)0)->m)
#define SIGNED_TYPE_OF(e)	((__typeof__(e))-1 < 1)

#ifdef ABI_NO_STATIC
#define ABI_SAME(ours, ref, what)
#else
#define ABI_SAME(ours, ref, what)	_Static_assert((ours) == (ref), what);
#endif

/* Compile-time half */
#define ABI_CONST(n)							\
	ABI_SAME((long long)(n), ABI_REF_VAL_##n, "value of " #n)	\
	ABI_SAME(sizeof(n), ABI_REF_SIZE_##n, "type size of " #n)	\
	ABI_SAME(SIGNED_EXPR(n), ABI_REF_SIGNED_##n, "signedness of " #n)
#define ABI_STR(n)							\
	ABI_SAME(sizeof(n), ABI_REF_STRSIZE_##n, "length of " #n)
#define ABI_ENUM(tag)							\
	ABI_SAME(sizeof(enum tag), ABI_REF_ENUMSIZE_##tag,		\
		 "size of enum " #tag)					\
	ABI_SAME((enum tag)-1 < 1, ABI_REF_ENUMSIGNED_##tag,		\
		 "signedness of enum " #tag)
#define ABI_STRUCT(tag)							\
	ABI_SAME(sizeof(struct tag), ABI_REF_SIZEOF_##tag,		\
		 "size of struct " #tag)				\
	ABI_SAME(_Alignof(struct tag), ABI_REF_ALIGNOF_##tag,		\
		 "alignment of struct " #tag)
#define ABI_FIELD(tag, m)						\
	ABI_SAME(offsetof(struct tag, m), ABI_REF_OFF_##tag##__##m,	\
		 "offset of " #tag "." #m)				\
	ABI_SAME(sizeof(MEMBER(tag, m)), ABI_REF_FSIZE_##tag##__##m,	\
		 "size of " #tag "." #m)
#define ABI_INT_FIELD(tag, m)						\
	ABI_FIELD(tag, m)						\
	ABI_SAME(SIGNED_TYPE_OF(MEMBER(tag, m)),			\
		 ABI_REF_FSIGNED_##tag##__##m,				\
		 "signedness of " #tag "." #m)
#define ABI_ARRAY_FIELD(tag, m)						\
	ABI_FIELD(tag, m)						\
	ABI_SAME(sizeof(MEMBER(tag, m)[0]), ABI_REF_ESIZE_##tag##__##m,	\
		 "element size of " #tag "." #m)			\
	ABI_SAME(SIGNED_TYPE_OF(MEMBER(tag, m)[0]),			\
		 ABI_REF_ESIGNED_##tag##__##m,				\
		 "element signedness of " #tag "." #m)
#include "abi_list.h"
#undef ABI_CONST
#undef ABI_STR
#undef ABI_ENUM
#undef ABI_STRUCT
#undef ABI_FIELD
#undef ABI_INT_FIELD
#undef ABI_ARRAY_FIELD

/* Run-time half */
static unsigned int checked, failed;

static void same(const char *what, const char *name, long long ours,
		 long long ref)
{
	checked++;
	if (ours == ref)
		return;
	failed++;
	printf("ABI MISMATCH: %s %s: ours %lld, upstream %lld\n",
	       what, name, ours, ref);
}

static void same_str(const char *name, const char *ours, size_t ours_size,
		     const char *ref, size_t ref_size)
{
	checked++;
	if (ours_size == ref_size && !memcmp(ours, ref, ref_size))
		return;
	failed++;
	printf("ABI MISMATCH: string %s: ours \"%s\", upstream \"%s\"\n",
	       name, ours, ref);
}

int main(void)
{
#define ABI_CONST(n)							\
	same("value of", #n, (long long)(n), ABI_REF_VAL_##n);		\
	same("type size of", #n, sizeof(n), ABI_REF_SIZE_##n);		\
	same("signedness of", #n, SIGNED_EXPR(n), ABI_REF_SIGNED_##n);
#define ABI_STR(n)							\
	same_str(#n, n, sizeof(n), ABI_REF_STR_##n, ABI_REF_STRSIZE_##n);
#define ABI_ENUM(tag)							\
	same("size of enum", #tag, sizeof(enum tag),			\
	     ABI_REF_ENUMSIZE_##tag);					\
	same("signedness of enum", #tag, (enum tag)-1 < 1,		\
	     ABI_REF_ENUMSIGNED_##tag);
#define ABI_STRUCT(tag)							\
	same("size of struct", #tag, sizeof(struct tag),		\
	     ABI_REF_SIZEOF_##tag);					\
	same("alignment of struct", #tag, _Alignof(struct tag),	\
	     ABI_REF_ALIGNOF_##tag);
#define ABI_FIELD(tag, m)						\
	same("offset of", #tag "." #m, offsetof(struct tag, m),	\
	     ABI_REF_OFF_##tag##__##m);					\
	same("size of", #tag "." #m, sizeof(MEMBER(tag, m)),		\
	     ABI_REF_FSIZE_##tag##__##m);
#define ABI_INT_FIELD(tag, m)						\
	ABI_FIELD(tag, m)						\
	same("signedness of", #tag "." #m,				\
	     SIGNED_TYPE_OF(MEMBER(tag, m)), ABI_REF_FSIGNED_##tag##__##m);
#define ABI_ARRAY_FIELD(tag, m)						\
	ABI_FIELD(tag, m)						\
	same("element size of", #tag "." #m,				\
	     sizeof(MEMBER(tag, m)[0]), ABI_REF_ESIZE_##tag##__##m);	\
	same("element signedness of", #tag "." #m,			\
	     SIGNED_TYPE_OF(MEMBER(tag, m)[0]),				\
	     ABI_REF_ESIGNED_##tag##__##m);
#include "abi_list.h"

	if (failed) {
		printf("ABI check FAILED: %u of %u comparisons differ\n",
		       failed, checked);
		return 1;
	}
	printf("ABI check passed: %u comparisons identical\n", checked);
	return 0;
}
