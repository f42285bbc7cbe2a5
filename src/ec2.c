/* SPDX-License-Identifier: MIT */
/* ec2: --describe-enis: EC2 DescribeNetworkInterfaces pages into the rows
 * that --eni-info reads from the CLI's JSON. The replies nest elements of
 * the same name (item inside item): fr_xml walks direct children. */
#include "fr_ec2.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_eni_info.h"
#include "fr_xml.h"

/* Most pages of one listing: a guard against a server that never ends. */
#define MAX_PAGES 100000

/* ---- XML to the CLI's JSON ---- */

/* Sets obj[key] to the text of child name of [s, e) when it is there.
 * Returns 0, -1 malformed, -2 out of memory. */
static int take_text(json_t *obj, const char *key, const char *s, const char *e, const char *name)
{
    fr_xml_el el;
    int r = fr_xml_child_named(s, e, name, &el), bad;
    if (r <= 0)
        return r;
    char *t = fr_xml_text(el.vs, el.ve, &bad);
    if (!t)
        return bad ? -1 : -2;
    json_t *v = json_string(t); /* NULL also for text that is not UTF-8 */
    free(t);
    if (!v)
        return -1;
    return json_object_set_new(obj, key, v) ? -2 : 0;
}

/* Sets obj[key] to a list of objects {sub: text of field} made from the
 * item children of the child set of [s, e). Returns 0, -1 or -2. */
static int take_set(json_t *obj, const char *key, const char *s, const char *e, const char *set,
                    const char *field, const char *sub)
{
    fr_xml_el el, it;
    int r = fr_xml_child_named(s, e, set, &el);
    if (r <= 0)
        return r;
    json_t *list = json_array();
    if (!list || json_object_set_new(obj, key, list))
        return -2;
    const char *p = el.vs;
    while ((r = fr_xml_child(&p, el.ve, &it)) == 1) {
        if (!fr_xml_is(&it, "item"))
            continue;
        json_t *o = json_object();
        if (!o || json_array_append_new(list, o))
            return -2;
        if ((r = take_text(o, sub, it.vs, it.ve, field)) < 0)
            return r;
    }
    return r;
}

/* Converts one networkInterfaceSet item. Returns 0, -1 or -2. */
static int item_to_json(json_t *arr, const char *s, const char *e)
{
    json_t *ni = json_object();
    if (!ni || json_array_append_new(arr, ni))
        return -2;
    int r;
    fr_xml_el att;
    if ((r = take_text(ni, "NetworkInterfaceId", s, e, "networkInterfaceId")) < 0 ||
        (r = take_text(ni, "Description", s, e, "description")) < 0 ||
        (r = take_text(ni, "VpcId", s, e, "vpcId")) < 0 ||
        (r = take_text(ni, "SubnetId", s, e, "subnetId")) < 0 ||
        (r = take_text(ni, "PrivateIpAddress", s, e, "privateIpAddress")) < 0 ||
        (r = take_set(ni, "Groups", s, e, "groupSet", "groupId", "GroupId")) < 0 ||
        (r = take_set(ni, "PrivateIpAddresses", s, e, "privateIpAddressesSet", "privateIpAddress",
                      "PrivateIpAddress")) < 0 ||
        (r = take_set(ni, "Ipv6Addresses", s, e, "ipv6AddressesSet", "ipv6Address",
                      "Ipv6Address")) < 0 ||
        (r = fr_xml_child_named(s, e, "attachment", &att)) < 0)
        return r;
    if (r == 1) {
        json_t *a = json_object();
        if (!a || json_object_set_new(ni, "Attachment", a))
            return -2;
        if ((r = take_text(a, "InstanceId", att.vs, att.ve, "instanceId")) < 0)
            return r;
    }
    return 0;
}

fr_err fr_ec2_parse_page(const char *xml, size_t len, json_t *arr, char **next)
{
    const char *end = xml + len, *p = xml;
    fr_xml_el root, el, it;
    int r, bad;
    *next = NULL;
    if (fr_xml_child(&p, end, &root) != 1 || !fr_xml_is(&root, "DescribeNetworkInterfacesResponse"))
        return FR_ERR_FORMAT;
    if ((r = fr_xml_child_named(root.vs, root.ve, "networkInterfaceSet", &el)) < 0)
        return FR_ERR_FORMAT;
    if (r == 1) {
        p = el.vs;
        while ((r = fr_xml_child(&p, el.ve, &it)) == 1) {
            if (!fr_xml_is(&it, "item"))
                continue;
            if ((r = item_to_json(arr, it.vs, it.ve)) < 0)
                return r == -2 ? FR_ERR_NOMEM : FR_ERR_FORMAT;
        }
        if (r < 0)
            return FR_ERR_FORMAT;
    }
    if ((r = fr_xml_child_named(root.vs, root.ve, "nextToken", &el)) < 0)
        return FR_ERR_FORMAT;
    if (r == 1 && el.vs < el.ve) {
        if (!(*next = fr_xml_text(el.vs, el.ve, &bad)))
            return bad ? FR_ERR_FORMAT : FR_ERR_NOMEM;
        if (!**next) {
            free(*next);
            *next = NULL;
        }
    }
    return FR_OK;
}

/* ---- the listing ---- */

/* The form body of one page's request. Returns a new string or NULL. */
static char *page_body(const char *token)
{
    static const char fixed[] = "Action=DescribeNetworkInterfaces&MaxResults=%d&Version=%s%s%s";
    char *enc = token ? fr_uri_encode(token, 0) : NULL;
    if (token && !enc)
        return NULL;
    size_t n = sizeof fixed + 16 + strlen(FR_EC2_API_VERSION) + (enc ? strlen(enc) + 16 : 0);
    char *b = malloc(n);
    if (b)
        snprintf(b, n, fixed, FR_EC2_PAGE_SIZE, FR_EC2_API_VERSION, enc ? "&NextToken=" : "",
                 enc ? enc : "");
    free(enc);
    return b;
}

fr_err fr_ec2_describe_enis(fr_aws *ec2, fr_report *r, int keep_existing, size_t *n_found,
                            char *errbuf, size_t errlen)
{
    static const char what[] = "ec2 DescribeNetworkInterfaces";
    static const fr_kv hdr[] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    json_t *arr = json_array();
    char *token = NULL, *body = NULL;
    fr_err err = FR_ERR_NOMEM;
    fr_aws_response rs;
    memset(&rs, 0, sizeof rs);
    if (n_found)
        *n_found = 0;
    snprintf(errbuf, errlen, "%s: out of memory", what);
    if (!arr)
        goto done;
    for (size_t page = 1;; page++) {
        if (page > MAX_PAGES) {
            err = FR_ERR_REMOTE;
            snprintf(errbuf, errlen, "%s: more than %d pages: giving up", what, MAX_PAGES);
            goto done;
        }
        free(body);
        if (!(body = page_body(token)))
            goto nomem;
        fr_aws_request rq = {
            .method = "POST",
            .path = "/",
            .headers = hdr,
            .n_headers = sizeof hdr / sizeof hdr[0],
            .body = (const uint8_t *)body,
            .body_len = strlen(body),
            .what = what,
        };
        fr_aws_response_clear(&rs);
        err = fr_aws_call(ec2, &rq, &rs, errbuf, errlen);
        if (err != FR_OK)
            goto done; /* errbuf: "ec2 DescribeNetworkInterfaces: CODE: ..." */
        char *next = NULL;
        err = fr_ec2_parse_page(rs.body, rs.body_len, arr, &next);
        if (err == FR_ERR_NOMEM)
            goto nomem;
        if (err != FR_OK) {
            err = FR_ERR_REMOTE;
            snprintf(errbuf, errlen, "%s: malformed response (page %zu)", what, page);
            goto done;
        }
        if (next && token && strcmp(next, token) == 0) {
            free(next);
            err = FR_ERR_REMOTE;
            snprintf(errbuf, errlen, "%s: the same NextToken came back (page %zu)", what, page);
            goto done;
        }
        free(token);
        token = next;
        if (!token)
            break;
    }
    if (n_found)
        *n_found = json_array_size(arr);
    err = fr_eni_info_add_json(r, arr, keep_existing, errbuf, errlen);
    if (err == FR_OK)
        errbuf[0] = '\0';
    goto done;
nomem:
    err = FR_ERR_NOMEM;
    snprintf(errbuf, errlen, "%s: out of memory", what);
done:
    fr_aws_response_clear(&rs);
    json_decref(arr);
    free(token);
    free(body);
    return err;
}
