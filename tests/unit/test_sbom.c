/* SPDX-License-Identifier: MIT */
/* Unit tests for omg sbom's document: purl encoding, SPDX ids, os-release, and the document read back with cJSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/index.h"
#include "engine/security/sbom.h"
#include "util/osrel.h"

#define LIST(...) ((struct strlist){(const char *const[]){__VA_ARGS__}, \
	sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)})

/* purl of the arguments, as a string the caller frees. */
static char *purl(const char *type, const char *ns, const char *name, const char *version,
		  const char *arch, const char *distro)
{
	struct buf b = {0};
	sbom_purl(&b, type, ns, name, version, arch, distro);
	return b.p;
}

static void check_purl(const char *want, const char *type, const char *ns, const char *name,
		       const char *version, const char *arch, const char *distro)
{
	char *got = purl(type, ns, name, version, arch, distro);
	assert_string_equal(got, want);
	free(got);
}

/* purl-spec's encoding: ALPHA DIGIT .-_~ and ':' as they are, every other byte %XX
 * (upper-case hex), names lower-cased, qualifiers sorted by key. */
static void test_purl_encoding(void **state)
{
	(void)state;
	check_purl("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=debian-jessie", "deb", "debian",
		   "curl", "7.50.3-1", "i386", "debian-jessie");
	/* an epoch's ':' is never encoded; '+' is (it reads as a space in a query) */
	check_purl("pkg:deb/debian/libc6@2:2.36-9%2Bdeb12u4?arch=amd64&distro=debian-bookworm",
		   "deb", "debian", "libc6", "2:2.36-9+deb12u4", "amd64", "debian-bookworm");
	check_purl("pkg:deb/ubuntu/vim@2:9.1.0016-1ubuntu7.2?arch=amd64&distro=ubuntu-noble", "deb",
		   "ubuntu", "vim", "2:9.1.0016-1ubuntu7.2", "amd64", "ubuntu-noble");
	/* '~' stays; a name is lower-cased; no distro, no "&distro=" */
	check_purl("pkg:alpm/arch/qt5-base@5.15.2~rc1-1?arch=x86_64", "alpm", "arch", "Qt5-Base",
		   "5.15.2~rc1-1", "x86_64", NULL);
	check_purl("pkg:alpm/arch/linux@1:6.1.1.arch1-1?arch=x86_64", "alpm", "arch", "linux",
		   "1:6.1.1.arch1-1", "x86_64", "");
	/* every reserved and unsafe byte, and UTF-8, is encoded */
	check_purl("pkg:deb/debian/a%2Bb@1%2F2%40%3F%23%25%20%26%3D?arch=x%26y", "deb", "debian",
		   "a+b", "1/2@?#% &=", "x&y", NULL);
	check_purl("pkg:alpm/arch/caf%C3%A9@1", "alpm", "arch", "caf\xc3\xa9", "1", "", NULL);
	/* no version, no arch */
	check_purl("pkg:alpm/arch/x", "alpm", "arch", "x", "", NULL, NULL);
}

static void test_spdx_ids(void **state)
{
	(void)state;
	assert_true(sbom_spdx_id("MIT"));
	assert_true(sbom_spdx_id("GPL-3.0-or-later"));
	assert_true(sbom_spdx_id("GPL-2.0")); /* deprecated, still in the schema's list */
	assert_true(sbom_spdx_id("0BSD"));    /* the first, in strcmp order */
	assert_true(sbom_spdx_id("LLVM-exception"));
	assert_false(sbom_spdx_id("mit"));     /* the schema's enum is case-sensitive */
	assert_false(sbom_spdx_id("GPL3"));
	assert_false(sbom_spdx_id("custom:Foo"));
	assert_false(sbom_spdx_id(""));
	assert_false(sbom_spdx_id("MIT OR Apache-2.0")); /* an expression, not an id */
}

/* A root directory with etc/os-release holding text; the caller removes it. */
static char *os_root(const char *text)
{
	char *dir = strdup("/tmp/omg-sbom-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[512];
	snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/os-release", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return dir;
}

static void rm_root(char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/etc/os-release", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", dir);
	rmdir(path);
	rmdir(dir);
	free(dir);
}

static void test_osrel(void **state)
{
	(void)state;
	char *root = os_root("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME='Debian'\n"
			     "VERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n"
			     "ESCAPED=\"a \\\"b\\\" c\"\nEMPTY=\n");
	char v[64];
	assert_int_equal(osrel_get(root, "VERSION_CODENAME", v, sizeof(v)), 0);
	assert_string_equal(v, "bookworm");
	assert_int_equal(osrel_get(root, "PRETTY_NAME", v, sizeof(v)), 0);
	assert_string_equal(v, "Debian GNU/Linux 12 (bookworm)");
	assert_int_equal(osrel_get(root, "NAME", v, sizeof(v)), 0);
	assert_string_equal(v, "Debian");
	assert_int_equal(osrel_get(root, "ESCAPED", v, sizeof(v)), 0);
	assert_string_equal(v, "a \"b\" c");
	assert_int_equal(osrel_get(root, "ID", v, sizeof(v)), 0);
	assert_string_equal(v, "debian");
	assert_int_equal(osrel_get(root, "VERSION", v, sizeof(v)), -1); /* VERSION_ID is not it */
	assert_int_equal(osrel_get(root, "EMPTY", v, sizeof(v)), -1);
	assert_string_equal(v, "");
	char small[4];
	assert_int_equal(osrel_get(root, "PRETTY_NAME", small, sizeof(small)), -1);
	rm_root(root);
	assert_int_equal(osrel_get("/nonexistent-omg-root", "ID", v, sizeof(v)), -1);
}

/* A package record; other strings empty. */
static struct pkg rec(const char *name, const char *installed, uint32_t flags)
{
	struct pkg p;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.version = "9.9-1";
	p.installed_version = installed;
	p.repo = p.desc = p.long_desc = p.url = p.packager = p.base = p.section = "";
	p.source_version = p.priority = p.multi_arch = "";
	p.arch = "x86_64";
	p.flags = flags;
	return p;
}

/* The index of the document tests: three installed, one not. */
static struct index *test_index(void)
{
	struct index_builder *b = index_builder_new();
	struct pkg p = rec("openssl", "3.0.2-1", PKG_INSTALLED);
	p.desc = "The Open Source toolkit for SSL/TLS";
	p.url = "https://www.openssl.org";
	p.packager = "Pierre Schmitz <pierre@archlinux.org>";
	p.licenses = LIST("Apache-2.0", "custom:OpenSSL");
	index_builder_add(b, &p);
	p = rec("zlib", "1:1.3.1-1", PKG_INSTALLED);
	index_builder_add(b, &p);
	p = rec("bash", "5.2.026-2", PKG_INSTALLED);
	p.licenses = LIST("GPL-3.0-or-later");
	index_builder_add(b, &p);
	p = rec("nano", "", 0);
	index_builder_add(b, &p);
	return index_builder_finish(b);
}

/* The document for ix and vs on backend, parsed. */
static cJSON *doc_of(const struct index *ix, const struct vulns *vs, const char *backend,
		     const char *root)
{
	struct sbom_opts o = {backend, root, "1.2.3", 1700000000};
	struct buf out = {0};
	char err[256];
	assert_int_equal(sbom_cyclonedx(ix, vs, &o, &out, err, sizeof(err)), 0);
	/* compact: one line, and the newline after it */
	assert_non_null(out.p);
	assert_ptr_equal(strchr(out.p, '\n'), out.p + out.len - 1);
	cJSON *doc = cJSON_Parse(out.p);
	assert_non_null(doc);
	buf_free(&out);
	return doc;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_document(void **state)
{
	(void)state;
	struct index *ix = test_index();
	cJSON *doc = doc_of(ix, NULL, "alpm", "/nonexistent-omg-root");
	assert_string_equal(str(doc, "bomFormat"), "CycloneDX");
	assert_string_equal(str(doc, "specVersion"), "1.5");
	const char *sn = str(doc, "serialNumber");
	assert_non_null(sn);
	assert_int_equal(strlen(sn), 45);
	assert_memory_equal(sn, "urn:uuid:", 9);
	assert_int_equal(sn[9 + 14], '4');                     /* version 4 */
	assert_non_null(strchr("89ab", sn[9 + 19]));           /* RFC 4122 variant */
	assert_int_equal(cJSON_GetObjectItem(doc, "version")->valueint, 1);
	const cJSON *meta = cJSON_GetObjectItem(doc, "metadata");
	assert_string_equal(str(meta, "timestamp"), "2023-11-14T22:13:20Z");
	assert_null(cJSON_GetObjectItem(meta, "component")); /* no os-release */
	const cJSON *tool = cJSON_GetArrayItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(meta, "tools"), "components"), 0);
	assert_string_equal(str(tool, "name"), "omg");
	assert_string_equal(str(tool, "version"), "1.2.3");
	/* no advisory data: no vulnerabilities key at all */
	assert_null(cJSON_GetObjectItem(doc, "vulnerabilities"));

	const cJSON *comps = cJSON_GetObjectItem(doc, "components");
	assert_int_equal(cJSON_GetArraySize(comps), 3); /* nano is not installed */
	const cJSON *bash = cJSON_GetArrayItem(comps, 0), *ssl = cJSON_GetArrayItem(comps, 1),
		    *zlib = cJSON_GetArrayItem(comps, 2);
	assert_string_equal(str(bash, "name"), "bash");
	assert_string_equal(str(zlib, "purl"), "pkg:alpm/arch/zlib@1:1.3.1-1?arch=x86_64");
	assert_string_equal(str(zlib, "bom-ref"), str(zlib, "purl"));
	assert_string_equal(str(zlib, "version"), "1:1.3.1-1");
	assert_string_equal(str(zlib, "type"), "library");
	assert_null(cJSON_GetObjectItem(zlib, "licenses")); /* none known */
	assert_null(cJSON_GetObjectItem(zlib, "externalReferences"));
	assert_null(cJSON_GetObjectItem(zlib, "description"));
	assert_string_equal(str(ssl, "publisher"), "Pierre Schmitz <pierre@archlinux.org>");
	const cJSON *lic = cJSON_GetObjectItem(ssl, "licenses");
	assert_int_equal(cJSON_GetArraySize(lic), 2);
	const cJSON *l0 = cJSON_GetObjectItem(cJSON_GetArrayItem(lic, 0), "license");
	const cJSON *l1 = cJSON_GetObjectItem(cJSON_GetArrayItem(lic, 1), "license");
	assert_string_equal(str(l0, "id"), "Apache-2.0");
	assert_null(str(l0, "name"));
	assert_string_equal(str(l1, "name"), "custom:OpenSSL"); /* not an SPDX id */
	assert_null(str(l1, "id"));
	const cJSON *ref = cJSON_GetArrayItem(cJSON_GetObjectItem(ssl, "externalReferences"), 0);
	assert_string_equal(str(ref, "type"), "website");
	assert_string_equal(str(ref, "url"), "https://www.openssl.org");

	/* every document has its own serial number */
	cJSON *again = doc_of(ix, NULL, "alpm", "/nonexistent-omg-root");
	assert_string_not_equal(str(again, "serialNumber"), sn);
	cJSON_Delete(again);
	cJSON_Delete(doc);
	index_free(ix);
}

/* Debian's and Ubuntu's namespace and distro come from the root's os-release. */
static void test_deb_distro(void **state)
{
	(void)state;
	struct index *ix = test_index();
	char *root = os_root("ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n"
			     "VERSION_CODENAME=noble\nPRETTY_NAME=\"Ubuntu 24.04 LTS\"\n");
	cJSON *doc = doc_of(ix, NULL, "apt", root);
	const cJSON *zlib = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "components"), 2);
	assert_string_equal(str(zlib, "purl"),
			    "pkg:deb/ubuntu/zlib@1:1.3.1-1?arch=x86_64&distro=ubuntu-noble");
	const cJSON *sys = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "metadata"), "component");
	assert_string_equal(str(sys, "type"), "operating-system");
	assert_string_equal(str(sys, "name"), "ubuntu");
	assert_string_equal(str(sys, "version"), "24.04");
	cJSON_Delete(doc);
	rm_root(root);
	root = os_root("ID=debian\nVERSION_CODENAME=trixie\n");
	doc = doc_of(ix, NULL, "apt", root);
	zlib = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "components"), 2);
	assert_string_equal(str(zlib, "purl"),
			    "pkg:deb/debian/zlib@1:1.3.1-1?arch=x86_64&distro=debian-trixie");
	cJSON_Delete(doc);
	rm_root(root);
	/* no os-release: Debian, and no distro rather than a wrong one */
	doc = doc_of(ix, NULL, "apt", "/nonexistent-omg-root");
	zlib = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "components"), 2);
	assert_string_equal(str(zlib, "purl"), "pkg:deb/debian/zlib@1:1.3.1-1?arch=x86_64");
	cJSON_Delete(doc);
	index_free(ix);
}

static void test_vulnerabilities(void **state)
{
	(void)state;
	struct index *ix = test_index();
	struct vuln_adv ssl_advs[] = {
		{"AVG-2843", "3.0.7-1", "3.0.2-1", "multiple issues",
		 LIST("CVE-2022-3602", "CVE-2022-3786"), SEV_HIGH, VULN_REMOTE, 1, 0},
		{"AVG-1000", "", "3.0.0-1", "denial of service", {NULL, 0}, SEV_CRITICAL,
		 VULN_REMOTE_UNKNOWN, 1, 0},
		{"AVG-0999", "3.0.1-1", "3.0.0-1", "old", {NULL, 0}, SEV_LOW, 0, 0, 0}, /* fixed */
	};
	struct vuln_adv stale[] = {{"AVG-1", "", "", "", {NULL, 0}, SEV_LOW, 0, 1, 0}};
	struct vuln rows[] = {
		{"nano", "1.0", "", "", SEV_LOW, 0, 1, {NULL, 0}, 1, stale}, /* not installed now */
		{"openssl", "3.0.2-1", "", "3.0.7-1", SEV_CRITICAL, VULN_REMOTE, 1, {NULL, 0}, 3,
		 ssl_advs},
		{"zlib", "1:1.2.0-1", "", "", SEV_LOW, 0, 1, {NULL, 0}, 1, stale}, /* older join */
	};
	struct vulns vs = {3, rows, NULL, 3, SEV_CRITICAL, 1};
	cJSON *doc = doc_of(ix, &vs, "alpm", "/nonexistent-omg-root");
	const cJSON *vl = cJSON_GetObjectItem(doc, "vulnerabilities");
	assert_int_equal(cJSON_GetArraySize(vl), 2);
	const cJSON *v = cJSON_GetArrayItem(vl, 0);
	assert_string_equal(str(v, "id"), "AVG-2843");
	assert_string_equal(str(cJSON_GetObjectItem(v, "source"), "name"),
			    "Arch Linux Security Tracker");
	assert_string_equal(str(cJSON_GetObjectItem(v, "source"), "url"),
			    "https://security.archlinux.org/AVG-2843");
	const cJSON *refs = cJSON_GetObjectItem(v, "references");
	assert_int_equal(cJSON_GetArraySize(refs), 2);
	assert_string_equal(str(cJSON_GetArrayItem(refs, 1), "id"), "CVE-2022-3786");
	const cJSON *rating = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "ratings"), 0);
	assert_string_equal(str(rating, "severity"), "high");
	assert_string_equal(str(v, "description"), "multiple issues");
	assert_string_equal(str(v, "recommendation"), "Upgrade openssl to 3.0.7-1 or later.");
	const cJSON *aff = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "affects"), 0);
	assert_string_equal(str(aff, "ref"), "pkg:alpm/arch/openssl@3.0.2-1?arch=x86_64");
	const cJSON *vv = cJSON_GetObjectItem(aff, "versions");
	assert_int_equal(cJSON_GetArraySize(vv), 2);
	assert_string_equal(str(cJSON_GetArrayItem(vv, 0), "version"), "3.0.2-1");
	assert_string_equal(str(cJSON_GetArrayItem(vv, 0), "status"), "affected");
	assert_string_equal(str(cJSON_GetArrayItem(vv, 1), "version"), "3.0.7-1");
	assert_string_equal(str(cJSON_GetArrayItem(vv, 1), "status"), "unaffected");
	v = cJSON_GetArrayItem(vl, 1);
	assert_string_equal(str(v, "id"), "AVG-1000");
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(v, "ratings"), 0), "severity"),
			    "critical");
	assert_string_equal(str(v, "recommendation"), "No fixed version of openssl is known.");
	aff = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "affects"), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(aff, "versions")), 1);
	assert_null(cJSON_GetObjectItem(v, "references"));
	cJSON_Delete(doc);

	/* with data and nothing known: an empty list, not none */
	struct vulns none = {0, NULL, NULL, 0, SEV_UNKNOWN, 1};
	doc = doc_of(ix, &none, "apt", "/nonexistent-omg-root");
	vl = cJSON_GetObjectItem(doc, "vulnerabilities");
	assert_true(cJSON_IsArray(vl));
	assert_int_equal(cJSON_GetArraySize(vl), 0);
	cJSON_Delete(doc);
	index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purl_encoding),
		cmocka_unit_test(test_spdx_ids),
		cmocka_unit_test(test_osrel),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_deb_distro),
		cmocka_unit_test(test_vulnerabilities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
