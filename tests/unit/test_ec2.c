/* SPDX-License-Identifier: MIT */
/* test_ec2: fr_ec2_parse_page on hand-written DescribeNetworkInterfaces
 * replies: entities, character references, CDATA, comments, empty and
 * self-closing elements, same-named nested elements, the next token; and
 * every truncation of a good reply must fail cleanly or parse, never crash. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fr_ec2.h"

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static const char good[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<DescribeNetworkInterfacesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    " <requestId>r-1</requestId>\n"
    " <!-- a comment <item> that is not an element -->\n"
    " <networkInterfaceSet>\n"
    "  <item>\n"
    "   <association><description>decoy</description><vpcId>vpc-x</vpcId></association>\n"
    "   <networkInterfaceId>eni-1</networkInterfaceId>\n"
    "   <description>a &amp; b &lt;c&gt; &quot;d&quot; &#233;&#x65E5; "
    "<![CDATA[<raw>&amp;]]></description>\n"
    "   <vpcId>vpc-1</vpcId><subnetId>subnet-1</subnetId>\n"
    "   <groupSet><item><groupId>sg-1</groupId><groupName>a</groupName></item>"
    "<item><groupId>sg-2</groupId></item></groupSet>\n"
    "   <attachment><instanceOwnerId>1</instanceOwnerId><instanceId>i-1</instanceId></attachment>\n"
    "   <privateIpAddressesSet><item><privateIpAddress>10.0.0.2</privateIpAddress>"
    "<association><ipOwnerId>amazon</ipOwnerId></association></item>"
    "<item><privateIpAddress>10.0.0.3</privateIpAddress></item></privateIpAddressesSet>\n"
    "   <privateIpAddress>10.0.0.2</privateIpAddress>\n"
    "   <ipv6AddressesSet/>\n"
    "   <tagSet><item><key>description</key><value>tag</value></item></tagSet>\n"
    "  </item>\n"
    "  <item><networkInterfaceId>eni-2</networkInterfaceId><description/>"
    "<groupSet></groupSet></item>\n"
    " </networkInterfaceSet>\n"
    " <nextToken>tok/a+b==</nextToken>\n"
    "</DescribeNetworkInterfacesResponse>\n";

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void test_good(void)
{
    json_t *arr = json_array();
    char *next = NULL;
    CHECK(fr_ec2_parse_page(good, strlen(good), arr, &next) == FR_OK);
    CHECK(json_array_size(arr) == 2);
    json_t *a = json_array_get(arr, 0), *b = json_array_get(arr, 1);
    CHECK(a && str(a, "NetworkInterfaceId") && strcmp(str(a, "NetworkInterfaceId"), "eni-1") == 0);
    CHECK(a && str(a, "Description") &&
          strcmp(str(a, "Description"), "a & b <c> \"d\" \xc3\xa9\xe6\x97\xa5 <raw>&amp;") == 0);
    CHECK(a && str(a, "VpcId") && strcmp(str(a, "VpcId"), "vpc-1") == 0);
    CHECK(a && json_array_size(json_object_get(a, "Groups")) == 2);
    CHECK(a &&
          strcmp(str(json_array_get(json_object_get(a, "Groups"), 1), "GroupId"), "sg-2") == 0);
    CHECK(a && strcmp(str(json_object_get(a, "Attachment"), "InstanceId"), "i-1") == 0);
    CHECK(a && json_array_size(json_object_get(a, "PrivateIpAddresses")) == 2);
    CHECK(a && json_array_size(json_object_get(a, "Ipv6Addresses")) == 0);
    CHECK(b && str(b, "Description") && strcmp(str(b, "Description"), "") == 0);
    CHECK(b && !json_object_get(b, "Attachment"));
    CHECK(next && strcmp(next, "tok/a+b==") == 0);
    free(next);
    json_decref(arr);
}

static void test_bad(void)
{
    static const char *const bad[] = {
        "",
        "<Other/>",
        "<DescribeNetworkInterfacesResponse><networkInterfaceSet><item>"
        "<networkInterfaceId>eni-1</networkInterfaceId></item>",
        "<DescribeNetworkInterfacesResponse><networkInterfaceSet><item><description>&bogus;"
        "</description></item></networkInterfaceSet></DescribeNetworkInterfacesResponse>",
        "<DescribeNetworkInterfacesResponse><networkInterfaceSet><item><description>&#0;"
        "</description></item></networkInterfaceSet></DescribeNetworkInterfacesResponse>",
        "<DescribeNetworkInterfacesResponse><a></b></DescribeNetworkInterfacesResponse>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *arr = json_array();
        char *next = NULL;
        fr_err e = fr_ec2_parse_page(bad[i], strlen(bad[i]), arr, &next);
        if (e != FR_ERR_FORMAT)
            fprintf(stderr, "bad[%zu] accepted\n", i);
        CHECK(e == FR_ERR_FORMAT);
        free(next);
        json_decref(arr);
    }
    /* an empty last page */
    static const char empty[] =
        "<DescribeNetworkInterfacesResponse><networkInterfaceSet/><nextToken/>"
        "</DescribeNetworkInterfacesResponse>";
    json_t *arr = json_array();
    char *next = (char *)1;
    CHECK(fr_ec2_parse_page(empty, strlen(empty), arr, &next) == FR_OK);
    CHECK(next == NULL && json_array_size(arr) == 0);
    json_decref(arr);
}

/* Every prefix of the good reply: no crash, and no token unless complete. */
static void test_truncated(void)
{
    size_t n = strlen(good), ok = 0;
    for (size_t len = 0; len < n; len++) {
        char *copy = malloc(len ? len : 1); /* exact size: overreads show under ASan */
        memcpy(copy, good, len);
        json_t *arr = json_array();
        char *next = NULL;
        fr_err e = fr_ec2_parse_page(copy, len, arr, &next);
        CHECK(e == FR_OK || e == FR_ERR_FORMAT);
        ok += e == FR_OK;
        free(next);
        json_decref(arr);
        free(copy);
    }
    /* only the prefix that lacks just the final newline holds the root */
    CHECK(ok == 1);
}

int main(void)
{
    test_good();
    test_bad();
    test_truncated();
    if (failures) {
        fprintf(stderr, "test_ec2: %d failures\n", failures);
        return 1;
    }
    printf("test_ec2: ok\n");
    return 0;
}
