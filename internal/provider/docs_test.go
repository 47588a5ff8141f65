package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/provider"
)

// readDoc returns a generated page under docs/.
func readDoc(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section returns the text under a markdown heading, up to the next heading
// of the same or a higher level outside a fenced code block (where "# " is
// an HCL comment).
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	_, after, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("no %q heading", heading)
	}
	level := len(strings.SplitN(heading, " ", 2)[0])
	var out []string
	fenced := false
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if !fenced {
			hashes := len(line) - len(strings.TrimLeft(line, "#"))
			if hashes > 0 && hashes <= level && strings.HasPrefix(line[hashes:], " ") {
				break
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// TestDocs_configurationTableCoversEverySchemaAttribute fails when a
// provider attribute is missing from the "Configuration reference" table of
// docs/index.md (written in templates/index.md.tmpl), or when the table
// names an attribute the schema does not have.
func TestDocs_configurationTableCoversEverySchemaAttribute(t *testing.T) {
	var resp fwprovider.SchemaResponse
	provider.New("test")().Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	table := section(t, readDoc(t, "index.md"), "## Configuration reference")
	inTable := map[string]bool{}
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, name := range strings.Split(first, ",") {
			inTable[strings.Trim(strings.TrimSpace(name), "`")] = true
		}
	}
	if len(inTable) == 0 {
		t.Fatal("no rows found in the Configuration reference table")
	}
	// Every attribute, and every attribute of a block as block.attribute.
	names := map[string]bool{}
	for name := range resp.Schema.Attributes {
		names[name] = true
	}
	for block, b := range resp.Schema.Blocks {
		nb, ok := b.(schema.SingleNestedBlock)
		if !ok {
			t.Fatalf("block %s: only single nested blocks are checked", block)
		}
		for name := range nb.Attributes {
			names[block+"."+name] = true
		}
	}
	var missing, stale []string
	for name := range names {
		if !inTable[name] {
			missing = append(missing, name)
		}
	}
	for name := range inTable {
		if !names[name] {
			stale = append(stale, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("provider attributes missing from the Configuration reference table in templates/index.md.tmpl "+
			"(add a row, then run make docs): %s", strings.Join(missing, ", "))
	}
	if len(stale) > 0 {
		t.Errorf("the Configuration reference table names attributes the provider does not have: %s", strings.Join(stale, ", "))
	}
}

// TestDocs_firstExamplesDeclareTheSource: the provider page's first example
// declares the registry source with a version constraint, and every data
// source page says so before its first example, with a link to it.
func TestDocs_firstExamplesDeclareTheSource(t *testing.T) {
	usage := section(t, readDoc(t, "index.md"), "## Example Usage")
	_, first, _ := strings.Cut(usage, "```terraform\n")
	first, _, _ = strings.Cut(first, "```")
	for _, want := range []string{"required_providers", `source  = "osm-tools/servicerequest"`, `version = "~> `} {
		if !strings.Contains(first, want) {
			t.Errorf("docs/index.md: the first example lacks %q:\n%s", want, first)
		}
	}
	pages, err := filepath.Glob(filepath.Join("..", "..", "docs", "data-sources", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no data source pages: %v", err)
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		before, _, ok := strings.Cut(section(t, string(b), "## Example Usage"), "```terraform")
		if !ok {
			t.Errorf("%s: no example", filepath.Base(p))
			continue
		}
		if !strings.Contains(before, `source = "osm-tools/servicerequest"`) ||
			!strings.Contains(before, "/providers/osm-tools/servicerequest/latest/docs#example-usage") {
			t.Errorf("%s: the text before the first example must name source = \"osm-tools/servicerequest\" and link to the provider's example:\n%s",
				filepath.Base(p), before)
		}
	}
}
